-- The PMIDs whose loaded version this file replaces (one row per pmid).
create or replace temp table pmids_replaced as
with
final as (
    select pmid from pmids_removed
    intersect
    select pmid from pmids_inserted
)

select * from final
