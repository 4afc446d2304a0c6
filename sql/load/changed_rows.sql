-- Replaced PMIDs whose rows in one table differ from the staged ones (one row per pmid): only
-- these have their rows of that table deleted and inserted again. The rows of a PMID compare as
-- a multiset, by their count and fingerprint (table_fingerprints.sql): the staged file's
-- (staged_fingerprints) against those kept beside the loaded rows (loaded_fingerprints, read
-- from record_fingerprints), so the replaced rows themselves are not read. Run per
-- fingerprinted table.
create or replace temp table changed_{table} as
with
final as (
    select p.pmid
    from pmids_replaced as p
    left join staged_fingerprints as s using (pmid)
    left join loaded_fingerprints as l using (pmid)
    where s.{table}_rows is distinct from l.{table}_rows
       or s.{table}_fingerprint is distinct from l.{table}_fingerprint
)

select * from final
