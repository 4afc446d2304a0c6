-- One row per author key: ORCID where the author has one, else last name and initials; read
-- from agg_authors, which each file's load keeps up to date.
create or replace view author_summary as

with

final as (
    select
        author_key,
        is_orcid,
        case when is_orcid then author_key end as orcid,
        last_name,
        initials,
        article_count,
        first_author_count,
        last_author_count,
        first_year,
        last_year
    from agg_authors
    where article_count > 0
)

select * from final;

comment on view author_summary is 'One row per author key (grain: author_key, is_orcid): the ORCID where the author has one, else "last name initials" (or the collective name); the same person is one row when every article carries the ORCID. Investigators are not counted.';
comment on column author_summary.author_key is 'ORCID (0000-0000-0000-000X) when present, else last name and initials such as "Smith JA", else the collective name.';
comment on column author_summary.is_orcid is 'True when author_key is an ORCID.';
comment on column author_summary.orcid is 'ORCID of the author, NULL when keyed by name.';
comment on column author_summary.last_name is 'Most frequent last name (or collective name) written for this key.';
comment on column author_summary.initials is 'Most frequent initials written for this key.';
comment on column author_summary.article_count is 'Articles listing this author.';
comment on column author_summary.first_author_count is 'Articles where this author is listed first.';
comment on column author_summary.last_author_count is 'Articles where this author is listed last (senior author position).';
comment on column author_summary.first_year is 'Earliest publication year of those articles.';
comment on column author_summary.last_year is 'Latest publication year of those articles.';
