-- Change to agg_substance_by_term not merged yet: rows of the articles that the chunks of a file
-- applied in chunks removed, counts negative (internal; merged after its last chunk).
create table if not exists pending_agg_substance_by_term (
    descriptor_name varchar,
    substance_name varchar,
    pub_year integer,
    article_count bigint
);

comment on table pending_agg_substance_by_term is 'One row per key of agg_substance_by_term and chunk of a file applied in chunks (grain: descriptor_name, substance_name, pub_year, chunk; not unique): the counts of that chunk''s removed articles, negative, taken out with them and not merged into agg_substance_by_term yet; internal bookkeeping of the loader: merged with the pending adds (pending_aggregates) after the file''s last chunk, and always before the readers'' copy is published.';
comment on column pending_agg_substance_by_term.descriptor_name is 'Key of agg_substance_by_term: meSH descriptor name (terms.descriptor_name).';
comment on column pending_agg_substance_by_term.substance_name is 'Key of agg_substance_by_term: substance name (substances.name).';
comment on column pending_agg_substance_by_term.pub_year is 'Key of agg_substance_by_term: publication year of the articles, NULL for undated articles.';
comment on column pending_agg_substance_by_term.article_count is 'Change to agg_substance_by_term.article_count (negative: taken out).';
