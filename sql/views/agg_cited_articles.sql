-- One row per cited PMID: its citation counts over all years, rolled up from agg_cited_by_year.
-- Kept in two tables (warehouse.loading.aggregates): the rows files changed since the last fold
-- (agg_cited_articles_recent), and the others as of that fold (agg_cited_articles_settled).
create or replace view agg_cited_articles as

with

settled as (
    select settled.*
    from agg_cited_articles_settled as settled
    anti join agg_cited_articles_recent as recent
        on settled.cited_pmid = recent.cited_pmid
),

final as (
    select * from settled
    union all
    select * from agg_cited_articles_recent
)

select * from final;

comment on view agg_cited_articles is 'One row per cited PMID, loaded or not (grain: cited_pmid): its counts over every citing year, recomputed from agg_cited_by_year for the PMIDs each file touches (sql/aggregates/cited_articles.sql). Feeds citation_summary.';
comment on column agg_cited_articles.cited_pmid is 'Cited PMID.';
comment on column agg_cited_articles.times_cited is 'Citing articles in the warehouse, each link once whatever its source.';
comment on column agg_cited_articles.times_cited_pubmed is 'Of those, links PubMed''s reference lists or Cites links carry.';
comment on column agg_cited_articles.times_cited_occ is 'Of those, links the Open Citation Collection carries.';
comment on column agg_cited_articles.first_cited_year is 'Publication year of the earliest citing article; NULL when uncited or only by undated ones.';
comment on column agg_cited_articles.last_cited_year is 'Publication year of the latest citing article.';
comment on column agg_cited_articles.refreshed_at is 'Start of the file transaction that last changed the row.';
