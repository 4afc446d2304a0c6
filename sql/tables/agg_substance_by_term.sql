-- One row per MeSH descriptor, substance and publication year: subtractable article counts.
create table if not exists agg_substance_by_term (
    descriptor_name varchar not null,
    substance_name varchar not null,
    pub_year integer,
    article_count bigint not null,
    refreshed_at timestamp not null
);

comment on table agg_substance_by_term is 'One row per MeSH descriptor, substance and publication year (grain: descriptor_name, substance_name, pub_year): article counts kept in each file''s transaction by subtracting the PMIDs it removes and adding those it inserts; zero rows are kept (the view substance_by_term leaves them out).';
comment on column agg_substance_by_term.descriptor_name is 'MeSH descriptor name (terms.descriptor_name).';
comment on column agg_substance_by_term.substance_name is 'Substance name (substances.name).';
comment on column agg_substance_by_term.pub_year is 'Publication year of the articles, NULL for undated articles.';
comment on column agg_substance_by_term.article_count is 'Articles of that year indexed with both the descriptor and the substance.';
comment on column agg_substance_by_term.refreshed_at is 'Start of the last file transaction that changed the row.';
