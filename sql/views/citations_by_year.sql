-- One row per cited article and publication year of the articles citing it: the counts kept
-- per cited PMID and citing year as the links load (agg_cited_by_year, each link once whatever
-- its source), for cited articles in the warehouse, as in citation_graph.
create or replace view citations_by_year as

with

counted as (
    select
        cited_pmid as pmid,
        citing_pub_year,
        times_cited,
        times_cited_pubmed,
        times_cited_occ
    from agg_cited_by_year
    where times_cited > 0
),

final as (
    select counted.*
    from counted
    semi join articles using (pmid)
)

select * from final;

comment on view citations_by_year is 'One row per article and year of the articles citing it (grain: pmid, citing_pub_year): times cited within the warehouse by articles published that year, PubMed reference lists and the NIH Open Citation Collection together, each link once.';
comment on column citations_by_year.pmid is 'Cited article (articles.pmid).';
comment on column citations_by_year.citing_pub_year is 'Publication year of the citing articles.';
comment on column citations_by_year.times_cited is 'Articles of that year in the warehouse that cite it, by either source, each once.';
comment on column citations_by_year.times_cited_pubmed is 'Of times_cited, the links PubMed''s own reference lists or Cites links carry.';
comment on column citations_by_year.times_cited_occ is 'Of times_cited, the links the Open Citation Collection carries.';
