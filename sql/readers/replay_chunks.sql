-- The removals of a catch-up's records: the replayed PMIDs the copy holds a record of (in its
-- articles, hence maybe in any of its tables), in chunks of {size} numbered from 0, each removed
-- in a transaction of its own (a removal pins a block of the copy per table until the
-- checkpoint after its commit). Every replayed PMID's records (replayed_pmids) are then
-- inserted in one transaction.
create or replace temp table replay_chunks as
with
held as (
    select r.pmid
    from replayed_pmids as r
    semi join readers_copy.articles as c on r.pmid = c.pmid
),

final as (
    select pmid, (row_number() over (order by pmid) - 1) // {size} as chunk
    from held
)

select * from final
