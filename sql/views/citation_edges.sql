-- One row per citing article in the warehouse and PMID it cites, from PubMed's reference lists
-- and Cites links (agg_article_citations), from the NIH Open Citation Collection (occ_links), or
-- from both: each link once whatever its source. The one place that rule lives; the citation
-- views and examples read it (through citation_graph where the cited article must be loaded).
create or replace view citation_edges as

with

occ as (
    select
        occ_links.citing_pmid,
        occ_links.cited_pmid,
        citing.pub_year as citing_pub_year,
        citing.pub_date as citing_pub_date
    from occ_links
    inner join articles as citing on citing.pmid = occ_links.citing_pmid
),

from_pubmed as (
    select
        pubmed.pmid as citing_pmid,
        pubmed.cited_pmid,
        pubmed.citing_pub_year,
        pubmed.citing_pub_date,
        case when occ_links.citing_pmid is null then 'pubmed' else 'both' end as source
    from agg_article_citations as pubmed
    left join occ_links
        on occ_links.citing_pmid = pubmed.pmid and occ_links.cited_pmid = pubmed.cited_pmid
),

only_occ as (
    select occ.*, 'occ' as source
    from occ
    anti join agg_article_citations as pubmed
        on pubmed.pmid = occ.citing_pmid and pubmed.cited_pmid = occ.cited_pmid
),

final as (
    select * from from_pubmed
    union all
    select * from only_occ
)

select * from final;

comment on view citation_edges is 'One row per citing article in the warehouse and PMID it cites, loaded or not (grain: citing_pmid, cited_pmid): the links of PubMed''s reference lists and Cites links (agg_article_citations) and of the NIH Open Citation Collection (occ_links), each link once whatever its source, an article citing itself left out. OCC links whose citing article is not loaded are left out until it loads.';
comment on column citation_edges.citing_pmid is 'Citing article (articles.pmid).';
comment on column citation_edges.cited_pmid is 'PMID it cites, in the warehouse or not (citation_graph keeps those in it).';
comment on column citation_edges.citing_pub_year is 'Publication year of the citing article.';
comment on column citation_edges.citing_pub_date is 'Publication date of the citing article (articles.pub_date).';
comment on column citation_edges.source is 'Where the link comes from: pubmed (the citing record''s reference list or Cites link), occ (the Open Citation Collection) or both.';
