-- Change to agg_author_spellings not merged yet: rows of the articles that the chunks of a file
-- applied in chunks removed, counts negative (internal; merged after its last chunk).
create table if not exists pending_agg_author_spellings (
    author_key varchar,
    is_orcid boolean,
    last_name varchar,
    initials varchar,
    author_rows bigint
);

comment on table pending_agg_author_spellings is 'One row per key of agg_author_spellings and chunk of a file applied in chunks (grain: author_key, is_orcid, last_name, initials, chunk; not unique): the counts of that chunk''s removed articles, negative, taken out with them and not merged into agg_author_spellings yet; internal bookkeeping of the loader: merged with the pending adds (pending_aggregates) after the file''s last chunk, and always before the readers'' copy is published.';
comment on column pending_agg_author_spellings.author_key is 'Key of agg_author_spellings: oRCID when present, else "last name initials", else the collective name.';
comment on column pending_agg_author_spellings.is_orcid is 'Key of agg_author_spellings: true when author_key is an ORCID.';
comment on column pending_agg_author_spellings.last_name is 'Key of agg_author_spellings: last name (or collective name) as written.';
comment on column pending_agg_author_spellings.initials is 'Key of agg_author_spellings: initials as written.';
comment on column pending_agg_author_spellings.author_rows is 'Change to agg_author_spellings.author_rows (negative: taken out).';
