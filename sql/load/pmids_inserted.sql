-- The PMIDs whose staged rows this file inserts (one row per pmid): new and replacing records,
-- less those the same file deletes or merges into a real article.
create or replace temp table pmids_inserted as
with
final as (
    select pmid from decisions where action in ('insert', 'replace')
    except
    select surrogate_pmid from merged_surrogates
    except
    select pmid from delete_decisions
)

select * from final
