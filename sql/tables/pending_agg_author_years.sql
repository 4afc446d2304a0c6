-- Change to agg_author_years not merged yet: rows of the articles that the chunks of a file
-- applied in chunks removed, counts negative (internal; merged after its last chunk).
create table if not exists pending_agg_author_years (
    author_key varchar,
    is_orcid boolean,
    pub_year integer,
    article_count bigint,
    first_author_count bigint,
    last_author_count bigint
);

comment on table pending_agg_author_years is 'One row per key of agg_author_years and chunk of a file applied in chunks (grain: author_key, is_orcid, pub_year, chunk; not unique): the counts of that chunk''s removed articles, negative, taken out with them and not merged into agg_author_years yet; internal bookkeeping of the loader: merged with the pending adds (pending_aggregates) after the file''s last chunk, and always before the readers'' copy is published.';
comment on column pending_agg_author_years.author_key is 'Key of agg_author_years: oRCID when present, else "last name initials", else the collective name.';
comment on column pending_agg_author_years.is_orcid is 'Key of agg_author_years: true when author_key is an ORCID.';
comment on column pending_agg_author_years.pub_year is 'Key of agg_author_years: publication year of the articles, NULL for undated articles.';
comment on column pending_agg_author_years.article_count is 'Change to agg_author_years.article_count (negative: taken out).';
comment on column pending_agg_author_years.first_author_count is 'Change to agg_author_years.first_author_count (negative: taken out).';
comment on column pending_agg_author_years.last_author_count is 'Change to agg_author_years.last_author_count (negative: taken out).';
