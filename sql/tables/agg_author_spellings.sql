-- One row per author key and spelling of the name: subtractable author-row counts.
create table if not exists agg_author_spellings (
    author_key varchar not null,
    is_orcid boolean not null,
    last_name varchar,
    initials varchar,
    author_rows bigint not null,
    refreshed_at timestamp not null
);

comment on table agg_author_spellings is 'One row per author key and spelling (grain: author_key, is_orcid, last_name, initials): how many author rows write the name so, kept in each file''s transaction; zero rows are kept. Source of agg_authors'' most frequent spelling.';
comment on column agg_author_spellings.author_key is 'ORCID when present, else "last name initials", else the collective name.';
comment on column agg_author_spellings.is_orcid is 'True when author_key is an ORCID.';
comment on column agg_author_spellings.last_name is 'Last name (or collective name) as written.';
comment on column agg_author_spellings.initials is 'Initials as written.';
comment on column agg_author_spellings.author_rows is 'Author rows (authors, investigators left out) written so.';
comment on column agg_author_spellings.refreshed_at is 'Start of the last file transaction that changed the row.';
