-- One row per cited PMID: its citation counts over all years, rolled up from agg_cited_by_year.
create table if not exists agg_cited_articles (
    cited_pmid bigint not null,
    times_cited bigint not null,
    times_cited_pubmed bigint not null,
    times_cited_occ bigint not null,
    first_cited_year integer,
    last_cited_year integer,
    refreshed_at timestamp not null
);

comment on table agg_cited_articles is 'One row per cited PMID, loaded or not (grain: cited_pmid): its counts over every citing year, recomputed from agg_cited_by_year for the PMIDs each file touches (sql/aggregates/cited_articles.sql). Feeds citation_summary.';
comment on column agg_cited_articles.cited_pmid is 'Cited PMID.';
comment on column agg_cited_articles.times_cited is 'Citing articles in the warehouse, each link once whatever its source.';
comment on column agg_cited_articles.times_cited_pubmed is 'Of those, links PubMed''s reference lists or Cites links carry.';
comment on column agg_cited_articles.times_cited_occ is 'Of those, links the Open Citation Collection carries.';
comment on column agg_cited_articles.first_cited_year is 'Publication year of the earliest citing article; NULL when uncited or only by undated ones.';
comment on column agg_cited_articles.last_cited_year is 'Publication year of the latest citing article.';
comment on column agg_cited_articles.refreshed_at is 'Start of the file transaction that last changed the row.';
