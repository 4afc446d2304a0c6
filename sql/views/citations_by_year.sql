-- One row per cited article and publication year of the articles citing it: the links of
-- agg_article_citations (citing articles in the warehouse) counted, then those whose cited
-- article is in it kept, as in citation_graph.
create or replace view citations_by_year as

with

counted as (
    select
        cited_pmid as pmid,
        citing_pub_year,
        count(*) as times_cited
    from agg_article_citations
    group by cited_pmid, citing_pub_year
),

final as (
    select counted.*
    from counted
    semi join articles using (pmid)
)

select * from final;

comment on view citations_by_year is 'One row per article and year of the articles citing it (grain: pmid, citing_pub_year): times cited within the warehouse by articles published that year.';
comment on column citations_by_year.pmid is 'Cited article (articles.pmid).';
comment on column citations_by_year.citing_pub_year is 'Publication year of the citing articles.';
comment on column citations_by_year.times_cited is 'Articles of that year in the warehouse that cite it.';
