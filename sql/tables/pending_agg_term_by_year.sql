-- Change to agg_term_by_year not merged yet: rows of the articles that the chunks of a file
-- applied in chunks removed, counts negative (internal; merged after its last chunk).
create table if not exists pending_agg_term_by_year (
    descriptor_name varchar,
    pub_year integer,
    article_count bigint,
    major_article_count bigint
);

comment on table pending_agg_term_by_year is 'One row per key of agg_term_by_year and chunk of a file applied in chunks (grain: descriptor_name, pub_year, chunk; not unique): the counts of that chunk''s removed articles, negative, taken out with them and not merged into agg_term_by_year yet; internal bookkeeping of the loader: merged with the pending adds (pending_aggregates) after the file''s last chunk, and always before the readers'' copy is published.';
comment on column pending_agg_term_by_year.descriptor_name is 'Key of agg_term_by_year: meSH descriptor name (terms.descriptor_name).';
comment on column pending_agg_term_by_year.pub_year is 'Key of agg_term_by_year: publication year of the articles (articles.pub_year), NULL for undated articles.';
comment on column pending_agg_term_by_year.article_count is 'Change to agg_term_by_year.article_count (negative: taken out).';
comment on column pending_agg_term_by_year.major_article_count is 'Change to agg_term_by_year.major_article_count (negative: taken out).';
