-- Which PMIDs of the file's DeleteCitation are removed (one row per present pmid).
-- A deletion from an older NLM file than the loaded version's does not remove it.
create or replace temp table delete_decisions as
with
requested as (
    select distinct pmid from stage_deletions
),

final as (
    select a.pmid
    from articles as a
    inner join requested using (pmid)
    where not coalesce(a.file_order_key > $file_order_key, false)
)

select * from final
