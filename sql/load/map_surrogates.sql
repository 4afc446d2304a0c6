-- Staged records without a PMID (negative surrogate pmid) that match a real article already in
-- the warehouse: one row per surrogate, with the real pmid it maps onto. (A match inside the
-- same file, or with a real article the file also brings, is merged by merge_surrogates.sql.)
-- The match is citation_key.sql's, looked up by the hash stored in citation_keys and confirmed
-- on the full key of the few candidates.
create or replace temp table surrogate_map as
with
surrogates as (
    select pmid, citation_key(journal_abbrev, pub_year, volume, issue, pages, title) as citation
    from stage_articles
    where pmid < 0
),

candidates as (
    select s.pmid as surrogate_pmid, s.citation, c.pmid
    from surrogates as s
    inner join citation_keys as c on c.citation_hash = citation_hash(s.citation)
    where c.pmid > 0 and c.pmid not in (select pmid from stage_articles)
),

final as (
    select d.surrogate_pmid, min(d.pmid) as pmid
    from candidates as d
    inner join articles as a on a.pmid = d.pmid
    where
        citation_key(a.journal_abbrev, a.pub_year, a.volume, a.issue, a.pages, a.title)
        is not distinct from d.citation
    group by d.surrogate_pmid
)

select * from final
