-- The PMIDs of a file applied in chunks whose rows are still to move, and the chunk each moves
-- in (one row per pmid). Removed PMIDs (replaced, deleted, merged), in PMID order, make chunks
-- of at most $chunk_pmids; PMIDs only inserted append and move in one last chunk. A PMID has
-- moved when its loaded record has the file's record_hash, or, leaving for good, it is gone:
-- a rerun after a stop between chunks moves only the rest.
create or replace temp table file_moves as
with
inserted as (
    select i.pmid, d.record_hash
    from pmids_inserted as i
    inner join decisions as d using (pmid)
),

moved as (
    select i.pmid
    from inserted as i
    inner join articles as a on a.pmid = i.pmid and a.record_hash = i.record_hash
    union all
    select r.pmid
    from pmids_removed as r
    where r.pmid not in (select pmid from inserted)
      and r.pmid not in (select pmid from articles)
),

moves as (
    select
        pmid,
        pmid in (select pmid from pmids_removed) as removed,
        pmid in (select pmid from inserted) as inserted
    from (select pmid from pmids_removed union select pmid from inserted)
    where pmid not in (select pmid from moved)
),

ranked as (
    select
        pmid,
        removed,
        inserted,
        case when removed then (row_number() over (order by not removed, pmid) - 1) // $chunk_pmids
        end as chunk
    from moves
),

final as (
    select
        pmid,
        removed,
        inserted,
        coalesce(chunk, (select coalesce(max(chunk) + 1, 0) from ranked)) as chunk
    from ranked
)

select * from final
