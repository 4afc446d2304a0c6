-- Who has written with the author holding an ORCID, and how often?
-- One row per co-author (keyed like author_summary); change the ORCID in `params`.
with

params as (
    select '0000-0002-6496-9297' as orcid
),

articles_of_author as (
    select distinct authors.pmid
    from authors
    inner join params using (orcid)
    where not authors.is_investigator
),

co_authors as (
    select
        authors.pmid,
        authors.orcid,
        coalesce(
            authors.last_name || ' ' || authors.initials,
            authors.last_name,
            authors.collective_name
        ) as co_author
    from authors
    inner join articles_of_author using (pmid)
    where
        not authors.is_investigator
        and authors.orcid is distinct from (select params.orcid from params)
),

final as (
    select
        co_author,
        orcid as co_author_orcid,
        count(distinct pmid) as shared_article_count
    from co_authors
    group by co_author, orcid
    order by shared_article_count desc, co_author
)

select * from final;
