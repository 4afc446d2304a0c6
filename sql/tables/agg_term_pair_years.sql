-- One row per unordered pair of MeSH descriptors and publication year: subtractable counts.
create table if not exists agg_term_pair_years (
    descriptor_name varchar not null,
    co_descriptor_name varchar not null,
    pub_year integer,
    article_count bigint not null,
    both_major_article_count bigint not null,
    refreshed_at timestamp not null
);

comment on table agg_term_pair_years is 'One row per unordered pair of distinct MeSH descriptors and publication year (grain: descriptor_name, co_descriptor_name, pub_year; descriptor_name sorts before co_descriptor_name): article counts kept in each file''s transaction; zero rows are kept. Source of agg_term_pairs'' first and last years.';
comment on column agg_term_pair_years.descriptor_name is 'The MeSH descriptor name of the pair that sorts first.';
comment on column agg_term_pair_years.co_descriptor_name is 'The MeSH descriptor name of the pair that sorts last.';
comment on column agg_term_pair_years.pub_year is 'Publication year of the articles, NULL for undated articles.';
comment on column agg_term_pair_years.article_count is 'Articles of that year indexed with both descriptors.';
comment on column agg_term_pair_years.both_major_article_count is 'Of those, articles where both descriptors are a major topic.';
comment on column agg_term_pair_years.refreshed_at is 'Start of the last file transaction that changed the row.';
