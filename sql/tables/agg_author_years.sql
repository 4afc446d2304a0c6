-- One row per author key and publication year: subtractable article counts.
create table if not exists agg_author_years (
    author_key varchar not null,
    is_orcid boolean not null,
    pub_year integer,
    article_count bigint not null,
    first_author_count bigint not null,
    last_author_count bigint not null,
    refreshed_at timestamp not null
);

comment on table agg_author_years is 'One row per author key and publication year (grain: author_key, is_orcid, pub_year): article counts kept in each file''s transaction; zero rows are kept. Source of agg_authors'' counts and years.';
comment on column agg_author_years.author_key is 'ORCID when present, else "last name initials", else the collective name.';
comment on column agg_author_years.is_orcid is 'True when author_key is an ORCID.';
comment on column agg_author_years.pub_year is 'Publication year of the articles, NULL for undated articles.';
comment on column agg_author_years.article_count is 'Articles of that year listing the author.';
comment on column agg_author_years.first_author_count is 'Of those, articles listing the author first.';
comment on column agg_author_years.last_author_count is 'Of those, articles listing the author last.';
comment on column agg_author_years.refreshed_at is 'Start of the last file transaction that changed the row.';
