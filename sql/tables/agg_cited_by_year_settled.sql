-- Rows of the view agg_cited_by_year as of its last fold, for the keys
-- agg_cited_by_year_recent does not hold.
-- One row per cited PMID and publication year of the articles citing it.
create table if not exists agg_cited_by_year_settled (
    cited_pmid bigint not null,
    citing_pub_year integer,
    times_cited bigint not null,
    times_cited_pubmed bigint not null,
    times_cited_occ bigint not null,
    refreshed_at timestamp not null
);

comment on table agg_cited_by_year_settled is 'One row per cited PMID and citing year of agg_cited_by_year (grain: cited_pmid, citing_pub_year), as of its last fold: the view agg_cited_by_year reads them where agg_cited_by_year_recent holds no row of the key; internal storage of the loader, rewritten only when a fold merges agg_cited_by_year_recent into it (warehouse.loading.aggregates).';
comment on column agg_cited_by_year_settled.cited_pmid is 'Cited PMID (agg_article_citations.cited_pmid).';
comment on column agg_cited_by_year_settled.citing_pub_year is 'Publication year of the citing articles (NULL for undated ones).';
comment on column agg_cited_by_year_settled.times_cited is 'Citing articles of that year, each link once whatever its source.';
comment on column agg_cited_by_year_settled.times_cited_pubmed is 'Of those, links PubMed''s reference lists or Cites links carry (source pubmed or both).';
comment on column agg_cited_by_year_settled.times_cited_occ is 'Of those, links the Open Citation Collection carries (source occ or both).';
comment on column agg_cited_by_year_settled.refreshed_at is 'Start of the file transaction that last changed the row.';
