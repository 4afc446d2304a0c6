-- The PMIDs this file brings that the warehouse does not hold (one row per pmid).
create or replace temp table pmids_new as
with
final as (
    select pmid from pmids_inserted
    except
    select pmid from pmids_removed
)

select * from final
