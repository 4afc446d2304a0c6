-- One row per author key: counts, years and most frequent spelling.
create table if not exists agg_authors (
    author_key varchar not null,
    is_orcid boolean not null,
    last_name varchar,
    initials varchar,
    article_count bigint not null,
    first_author_count bigint not null,
    last_author_count bigint not null,
    first_year integer,
    last_year integer,
    refreshed_at timestamp not null
);

comment on table agg_authors is 'One row per author key (grain: author_key, is_orcid): rolled up from agg_author_years and agg_author_spellings for the keys each file changes; zero rows are kept (the view author_summary leaves them out).';
comment on column agg_authors.author_key is 'ORCID when present, else "last name initials", else the collective name.';
comment on column agg_authors.is_orcid is 'True when author_key is an ORCID.';
comment on column agg_authors.last_name is 'Most frequent last name (or collective name) written for this key; on a tie the first in sort order.';
comment on column agg_authors.initials is 'Most frequent initials written for this key; on a tie the first in sort order.';
comment on column agg_authors.article_count is 'Articles listing this author.';
comment on column agg_authors.first_author_count is 'Articles listing this author first.';
comment on column agg_authors.last_author_count is 'Articles listing this author last.';
comment on column agg_authors.first_year is 'Earliest publication year of those articles.';
comment on column agg_authors.last_year is 'Latest publication year of those articles.';
comment on column agg_authors.refreshed_at is 'Start of the last file transaction that changed the row.';
