-- The PMIDs this file takes out of the warehouse for good (one row per pmid): DeleteCitations
-- and surrogates merged into a real article.
create or replace temp table pmids_gone as
with
final as (
    select pmid from pmids_removed
    except
    select pmid from pmids_inserted
)

select * from final
