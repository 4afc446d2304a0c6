-- The removals of a catch-up's records: the replayed PMIDs the copy holds no record of (not in
-- its articles, so in none of its tables) are in chunk 0, nothing to remove; those it holds in
-- chunks of {size} from 1 on, each removed in a transaction of its own (a removal pins a block
-- of the copy per table until the checkpoint after its commit). Every replayed PMID's records
-- are then inserted in one transaction.
create or replace temp table replay_chunks as
with
held as (
    select r.pmid, c.pmid is not null as held
    from replayed_pmids as r
    left join readers_copy.articles as c on r.pmid = c.pmid
),

final as (
    select
        pmid,
        held,
        if(held, 1 + (row_number() over (partition by held order by pmid) - 1) // {size}, 0)
            as chunk
    from held
)

select * from final
