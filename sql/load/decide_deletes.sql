-- Which PMIDs of the file's DeleteCitation are removed (one row per pmid): those loaded, unless
-- the loaded version came from a newer NLM file than this one, and those this file itself brings.
create or replace temp table delete_decisions as
with
requested as (
    select distinct pmid from stage_deletions
),

loaded as (
    select a.pmid
    from articles as a
    inner join requested using (pmid)
    where not coalesce(a.file_order_key > $file_order_key, false)
),

brought as (
    select d.pmid
    from decisions as d
    inner join requested using (pmid)
    where d.action in ('insert', 'replace')
),

final as (
    select pmid from loaded
    union
    select pmid from brought
)

select * from final
