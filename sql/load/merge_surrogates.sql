-- Surrogate articles (negative pmid, from abstract text without a PMID), already loaded or
-- brought by this file, that the file's inserted or replaced real articles stand for: one row
-- per surrogate, with the real pmid. The match is citation_key.sql's: stored surrogates are
-- found by the hash in citation_keys and confirmed on the full key.
create or replace temp table merged_surrogates as
with
applied as (
    select pmid from decisions where action in ('insert', 'replace')
),

surrogate_hashes as (
    select pmid, citation_hash
    from citation_keys
    where pmid < 0 and pmid not in (select pmid from applied)
    union all
    select pmid, citation_hash
    from staged_citations
    where pmid < 0
),

candidates as (
    select s.pmid as surrogate_pmid, r.pmid, r.citation
    from surrogate_hashes as s
    inner join staged_citations as r using (citation_hash)
    where r.pmid > 0
),

surrogates as (
    select a.pmid, citation_key(a.journal_abbrev, a.pub_year, a.volume, a.issue, a.pages, a.title)
        as citation
    from articles as a
    where a.pmid in (select surrogate_pmid from candidates)
      and a.pmid not in (select pmid from applied)
    union all
    select pmid, citation
    from staged_citations
    where pmid < 0
),

final as (
    select d.surrogate_pmid, min(d.pmid) as pmid
    from candidates as d
    inner join surrogates as s on s.pmid = d.surrogate_pmid
    where s.citation is not distinct from d.citation
    group by d.surrogate_pmid
)

select * from final
