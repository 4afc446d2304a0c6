-- Surrogate articles (negative pmid, from abstract text without a PMID) that the file's inserted
-- or replaced real articles now stand for: one row per surrogate, with the real pmid.
-- The match is citation_key.sql's.
create or replace temp table merged_surrogates as
with
keyed as (
    select pmid, citation_key(journal_abbrev, pub_year, volume, issue, pages, title) as citation
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
        on r.citation is not distinct from s.citation and s.citation is not null
    where s.pmid < 0
    group by s.pmid
)

select * from final
