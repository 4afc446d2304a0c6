-- Change to agg_term_pair_years not merged yet: rows of the articles that the chunks of a file
-- applied in chunks removed, counts negative (internal; merged after its last chunk).
create table if not exists pending_agg_term_pair_years (
    descriptor_name varchar,
    co_descriptor_name varchar,
    pub_year integer,
    article_count bigint,
    both_major_article_count bigint
);

comment on table pending_agg_term_pair_years is 'One row per key of agg_term_pair_years and chunk of a file applied in chunks (grain: descriptor_name, co_descriptor_name, pub_year, chunk; not unique): the counts of that chunk''s removed articles, negative, taken out with them and not merged into agg_term_pair_years yet; internal bookkeeping of the loader: merged with the pending adds (pending_aggregates) after the file''s last chunk, and always before the readers'' copy is published.';
comment on column pending_agg_term_pair_years.descriptor_name is 'Key of agg_term_pair_years: the MeSH descriptor name of the pair that sorts first.';
comment on column pending_agg_term_pair_years.co_descriptor_name is 'Key of agg_term_pair_years: the MeSH descriptor name of the pair that sorts last.';
comment on column pending_agg_term_pair_years.pub_year is 'Key of agg_term_pair_years: publication year of the articles, NULL for undated articles.';
comment on column pending_agg_term_pair_years.article_count is 'Change to agg_term_pair_years.article_count (negative: taken out).';
comment on column pending_agg_term_pair_years.both_major_article_count is 'Change to agg_term_pair_years.both_major_article_count (negative: taken out).';
