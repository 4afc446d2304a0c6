-- The PMIDs whose loaded rows this file removes (one row per pmid): versions it replaces,
-- surrogates its real articles stand for, and its DeleteCitations. Known before any row moves.
create or replace temp table pmids_removed as
with
final as (
    select pmid from decisions where action = 'replace'
    union
    select surrogate_pmid from merged_surrogates
    union
    select pmid from delete_decisions
)

select * from final
