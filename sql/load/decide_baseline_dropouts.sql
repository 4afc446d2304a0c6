-- Which PMIDs a completely loaded yearly baseline no longer holds (one row per pmid to remove).
-- A PMID goes when its loaded version came from an NLM file older than the baseline and no
-- file of the baseline, nor any later file, carried it (`changes` tells which PMIDs each file
-- carried, unchanged records included). Records from non-NLM files (no file_order_key) stay.
create or replace temp table dropout_decisions as
with
newer_files as (
    select distinct source_file
    from ingested_files
    where file_order_key >= $first_key and status = 'loaded'
),

carried as (
    select distinct c.pmid
    from changes as c
    inner join newer_files using (source_file)
    where c.action <> 'delete'
),

final as (
    select a.pmid
    from articles as a
    anti join carried using (pmid)
    where a.file_order_key < $first_key
)

select * from final
