-- One row per unordered pair of MeSH descriptors indexed on common articles.
create table if not exists agg_term_pairs (
    descriptor_name varchar not null,
    co_descriptor_name varchar not null,
    article_count bigint not null,
    both_major_article_count bigint not null,
    first_year integer,
    last_year integer,
    refreshed_at timestamp not null
);

comment on table agg_term_pairs is 'One row per unordered pair of distinct MeSH descriptors (grain: descriptor_name, co_descriptor_name; descriptor_name sorts first): counts and years rolled up from agg_term_pair_years for the pairs each file changes; zero rows are kept (the view term_cooccurrence leaves them out and lists both orders).';
comment on column agg_term_pairs.descriptor_name is 'The MeSH descriptor name of the pair that sorts first.';
comment on column agg_term_pairs.co_descriptor_name is 'The MeSH descriptor name of the pair that sorts last.';
comment on column agg_term_pairs.article_count is 'Articles indexed with both descriptors.';
comment on column agg_term_pairs.both_major_article_count is 'Of those, articles where both descriptors are a major topic.';
comment on column agg_term_pairs.first_year is 'Earliest publication year of those articles.';
comment on column agg_term_pairs.last_year is 'Latest publication year of those articles.';
comment on column agg_term_pairs.refreshed_at is 'Start of the last file transaction that changed the row.';
