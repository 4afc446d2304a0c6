-- One row per MeSH descriptor and publication year: subtractable article counts.
create table if not exists agg_term_by_year (
    descriptor_name varchar not null,
    pub_year integer,
    article_count bigint not null,
    major_article_count bigint not null,
    refreshed_at timestamp not null
);

comment on table agg_term_by_year is 'One row per MeSH descriptor and publication year (grain: descriptor_name, pub_year): article counts kept in each file''s transaction by subtracting the PMIDs it removes and adding those it inserts; a row whose counts fall to zero is kept with zeros (the view term_by_year leaves it out).';
comment on column agg_term_by_year.descriptor_name is 'MeSH descriptor name (terms.descriptor_name).';
comment on column agg_term_by_year.pub_year is 'Publication year of the articles (articles.pub_year), NULL for undated articles.';
comment on column agg_term_by_year.article_count is 'Articles of that year indexed with the descriptor.';
comment on column agg_term_by_year.major_article_count is 'Of those, articles where the descriptor is a major topic.';
comment on column agg_term_by_year.refreshed_at is 'Start of the last file transaction that changed the row.';
