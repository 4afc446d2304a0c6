-- Surrogate articles (negative pmid, from abstract text without a PMID) that the file's inserted
-- or replaced real articles now stand for: one row per surrogate, with the real pmid.
-- Same match as map_surrogates.sql: journal, year, volume, issue, first page and title.
create or replace temp table merged_surrogates as
with
keyed as (
    select
        pmid,
        lower(journal_abbrev) as journal,
        pub_year,
        lower(volume) as volume,
        lower(issue) as issue,
        lower(split_part(pages, '-', 1)) as first_page,
        regexp_replace(strip_accents(lower(title)), '[^0-9a-z]', '', 'g') as title_key
    from articles
),

applied as (
    select k.*
    from keyed as k
    where k.pmid > 0
      and k.pmid in (select pmid from decisions where action in ('insert', 'replace'))
),

final as (
    select s.pmid as surrogate_pmid, min(r.pmid) as pmid
    from keyed as s
    inner join applied as r
        on r.journal = s.journal
        and r.pub_year = s.pub_year
        and r.volume is not distinct from s.volume
        and r.issue is not distinct from s.issue
        and r.first_page is not distinct from s.first_page
        and r.title_key = s.title_key
    where s.pmid < 0
    group by s.pmid
)

select * from final
