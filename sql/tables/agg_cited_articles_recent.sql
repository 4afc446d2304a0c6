-- Rows of the view agg_cited_articles that files changed since its last fold into
-- agg_cited_articles_settled.
-- One row per cited PMID: its citation counts over all years, rolled up from agg_cited_by_year.
create table if not exists agg_cited_articles_recent (
    cited_pmid bigint not null,
    times_cited bigint not null,
    times_cited_pubmed bigint not null,
    times_cited_occ bigint not null,
    first_cited_year integer,
    last_cited_year integer,
    refreshed_at timestamp not null
);

comment on table agg_cited_articles_recent is 'One row per cited PMID of agg_cited_articles (grain: cited_pmid) that files changed since its last fold, whole (the kept row with the change): the view agg_cited_articles reads them in place of agg_cited_articles_settled''s; internal storage of the loader, merged into agg_cited_articles_settled and emptied when it passes a share of it (warehouse.loading.aggregates).';
comment on column agg_cited_articles_recent.cited_pmid is 'Cited PMID.';
comment on column agg_cited_articles_recent.times_cited is 'Citing articles in the warehouse, each link once whatever its source.';
comment on column agg_cited_articles_recent.times_cited_pubmed is 'Of those, links PubMed''s reference lists or Cites links carry.';
comment on column agg_cited_articles_recent.times_cited_occ is 'Of those, links the Open Citation Collection carries.';
comment on column agg_cited_articles_recent.first_cited_year is 'Publication year of the earliest citing article; NULL when uncited or only by undated ones.';
comment on column agg_cited_articles_recent.last_cited_year is 'Publication year of the latest citing article.';
comment on column agg_cited_articles_recent.refreshed_at is 'Start of the file transaction that last changed the row.';
