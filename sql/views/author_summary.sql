-- One row per author key: ORCID where the author has one, else last name and initials.
create or replace view author_summary as

with

keyed_authors as (
    select
        authors.pmid,
        authors.position,
        authors.orcid,
        authors.last_name,
        authors.initials,
        authors.collective_name,
        coalesce(
            authors.orcid,
            authors.last_name || ' ' || authors.initials,
            authors.last_name,
            authors.collective_name
        ) as author_key,
        authors.position = max(authors.position) over (partition by authors.pmid)
            as is_last_author
    from authors
    where not authors.is_investigator
),

final as (
    select
        keyed_authors.author_key,
        keyed_authors.orcid is not null as is_orcid,
        any_value(keyed_authors.orcid) as orcid,
        mode(coalesce(keyed_authors.last_name, keyed_authors.collective_name)) as last_name,
        mode(keyed_authors.initials) as initials,
        count(distinct keyed_authors.pmid) as article_count,
        count(distinct keyed_authors.pmid) filter (where keyed_authors.position = 1)
            as first_author_count,
        count(distinct keyed_authors.pmid) filter (where keyed_authors.is_last_author)
            as last_author_count,
        min(articles.pub_year) as first_year,
        max(articles.pub_year) as last_year
    from keyed_authors
    inner join articles using (pmid)
    where keyed_authors.author_key is not null
    group by keyed_authors.author_key, keyed_authors.orcid is not null
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
