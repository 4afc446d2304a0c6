-- One row per article (agg_article_summary holds one per article, with its reference counts):
-- how often it is cited within the warehouse (agg_cited_articles: counts kept per cited PMID as
-- the links load, each link once whatever its source) and how many of its references are in
-- it (citation_graph).
create or replace view citation_summary as

with

cited as (
    select
        cited_pmid as pmid,
        times_cited,
        times_cited_pubmed,
        times_cited_occ,
        first_cited_year,
        last_cited_year
    from agg_cited_articles
    where times_cited > 0
),

in_warehouse as (
    select citing_pmid as pmid, count(*) as references_in_warehouse
    from citation_graph
    group by citing_pmid
),

final as (
    select
        agg_article_summary.pmid,
        agg_article_summary.pub_year,
        coalesce(cited.times_cited, 0) as times_cited,
        cited.first_cited_year,
        cited.last_cited_year,
        agg_article_summary.reference_count,
        agg_article_summary.referenced_pmids,
        coalesce(in_warehouse.references_in_warehouse, 0) as references_in_warehouse,
        coalesce(cited.times_cited_pubmed, 0) as times_cited_pubmed,
        coalesce(cited.times_cited_occ, 0) as times_cited_occ
    from agg_article_summary
    left join cited using (pmid)
    left join in_warehouse using (pmid)
)

select * from final;

comment on view citation_summary is 'One row per article (grain: pmid): times cited by other articles in the warehouse (PubMed reference lists and the NIH Open Citation Collection, each link once) and how many of its own references are in it (citation_graph); zero when none.';
comment on column citation_summary.pmid is 'Article (articles.pmid).';
comment on column citation_summary.pub_year is 'Its publication year.';
comment on column citation_summary.times_cited is 'Articles in the warehouse that cite it, by either source, each once.';
comment on column citation_summary.first_cited_year is 'Publication year of its earliest citing article in the warehouse; NULL when uncited.';
comment on column citation_summary.last_cited_year is 'Publication year of its latest citing article in the warehouse; NULL when uncited.';
comment on column citation_summary.reference_count is 'References in its reference list ("references" rows).';
comment on column citation_summary.referenced_pmids is 'Distinct PMIDs among its references.';
comment on column citation_summary.references_in_warehouse is 'Articles it cites that are in the warehouse, by either source (citation_graph rows).';
comment on column citation_summary.times_cited_pubmed is 'Of times_cited, the links PubMed''s own reference lists or Cites links carry (source pubmed or both).';
comment on column citation_summary.times_cited_occ is 'Of times_cited, the links the Open Citation Collection carries (source occ or both).';
