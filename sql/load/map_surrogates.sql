-- Staged records without a PMID (negative surrogate pmid) that match a real article already in
-- the warehouse: one row per surrogate, with the real pmid it maps onto. (A match inside the
-- same file, or with a real article the file also brings, is merged after the load by
-- merge_surrogates.sql.)
-- The match is on journal, year, volume, issue, first page and the title's letters and digits.
create or replace temp table surrogate_map as
with
keyed as (
    select
        pmid,
        lower(journal_abbrev) as journal,
        pub_year,
        lower(volume) as volume,
        lower(issue) as issue,
        lower(split_part(pages, '-', 1)) as first_page,
        regexp_replace(strip_accents(lower(title)), '[^0-9a-z]', '', 'g') as title_key,
        origin
    from (
        select pmid, journal_abbrev, pub_year, volume, issue, pages, title, 'warehouse' as origin
        from articles
        union all
        select pmid, journal_abbrev, pub_year, volume, issue, pages, title, 'file' as origin
        from stage_articles
    )
),

surrogates as (
    select k.* from keyed as k where k.pmid < 0 and k.origin = 'file'
),

final as (
    select s.pmid as surrogate_pmid, min(r.pmid) as pmid
    from surrogates as s
    inner join keyed as r
        on r.pmid > 0
        and r.origin = 'warehouse'
        and r.pmid not in (select pmid from stage_articles)
        and r.journal = s.journal
        and r.pub_year = s.pub_year
        and r.volume is not distinct from s.volume
        and r.issue is not distinct from s.issue
        and r.first_page is not distinct from s.first_page
        and r.title_key = s.title_key
    group by s.pmid
)

select * from final
