-- Invariant: an article keyed by a negative surrogate PMID is not also present under its real
-- PMID (same title, journal and year): the two must have been merged.
-- Violations: one row per surrogate PMID that duplicates a real one.
with
surrogates as (
    select pmid, lower(trim(title)) as title_key, journal_abbrev, pub_year
    from articles
    where pmid < 0 and title is not null
),

real_articles as (
    select pmid, lower(trim(title)) as title_key, journal_abbrev, pub_year
    from articles
    where pmid > 0
),

final as (
    select s.pmid as surrogate_pmid, r.pmid as real_pmid, s.title_key as title
    from surrogates as s
    inner join real_articles as r
        on s.title_key = r.title_key
        and s.pub_year is not distinct from r.pub_year
        and (s.journal_abbrev is null or r.journal_abbrev is null
            or s.journal_abbrev = r.journal_abbrev)
)

select * from final order by surrogate_pmid
