-- One row per cited PMID and publication year of the articles citing it.
-- Kept in two tables (warehouse.loading.aggregates): the rows files changed since the last fold
-- (agg_cited_by_year_recent), and the others as of that fold (agg_cited_by_year_settled).
create or replace view agg_cited_by_year as

with

settled as (
    select settled.*
    from agg_cited_by_year_settled as settled
    anti join agg_cited_by_year_recent as recent
        on settled.cited_pmid = recent.cited_pmid
        and settled.citing_pub_year is not distinct from recent.citing_pub_year
),

final as (
    select * from settled
    union all
    select * from agg_cited_by_year_recent
)

select * from final;

comment on view agg_cited_by_year is 'One row per cited PMID and publication year of its citing articles (grain: cited_pmid, citing_pub_year), loaded or not: the links of agg_article_citations counted, kept as subtractable counts in each file''s transaction (sql/aggregates/cited_by_year.sql). A key whose counts fall to zero is kept with zeros. Feeds citations_by_year and agg_cited_articles.';
comment on column agg_cited_by_year.cited_pmid is 'Cited PMID (agg_article_citations.cited_pmid).';
comment on column agg_cited_by_year.citing_pub_year is 'Publication year of the citing articles (NULL for undated ones).';
comment on column agg_cited_by_year.times_cited is 'Citing articles of that year, each link once whatever its source.';
comment on column agg_cited_by_year.times_cited_pubmed is 'Of those, links PubMed''s reference lists or Cites links carry (source pubmed or both).';
comment on column agg_cited_by_year.times_cited_occ is 'Of those, links the Open Citation Collection carries (source occ or both).';
comment on column agg_cited_by_year.refreshed_at is 'Start of the file transaction that last changed the row.';
