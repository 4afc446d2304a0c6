-- One row per citing article and cited article, both in the warehouse.
create or replace view citation_graph as

with

links as (
    select pmid as citing_pmid, ref_pmid as cited_pmid
    from "references"
    where ref_pmid is not null
    union
    select pmid as citing_pmid, ref_pmid as cited_pmid
    from comments_corrections
    where ref_type = 'Cites' and ref_pmid is not null
),

final as (
    select
        links.citing_pmid,
        links.cited_pmid,
        citing.pub_year as citing_pub_year,
        citing.pub_date as citing_pub_date,
        cited.pub_year as cited_pub_year
    from links
    inner join articles as citing on citing.pmid = links.citing_pmid
    inner join articles as cited on cited.pmid = links.cited_pmid
    where links.citing_pmid <> links.cited_pmid
)

select * from final;

comment on view citation_graph is 'One row per citing and cited article, both in the warehouse (grain: citing_pmid, cited_pmid): reference lists ("references".ref_pmid) and the Cites links of older records (comments_corrections). Always current: a replaced or deleted article brings or takes its links with it.';
comment on column citation_graph.citing_pmid is 'Article whose reference list cites (articles.pmid).';
comment on column citation_graph.cited_pmid is 'Article cited (articles.pmid).';
comment on column citation_graph.citing_pub_year is 'Publication year of the citing article.';
comment on column citation_graph.citing_pub_date is 'Publication date of the citing article (articles.pub_date).';
comment on column citation_graph.cited_pub_year is 'Publication year of the cited article.';
