-- Replaced PMIDs whose rows in one table differ from the staged ones (one row per pmid): only
-- these have their rows of that table deleted and inserted again. The rows of a PMID compare as
-- a multiset, by their count and the sum of their row hashes. Run per child table (and
-- citation_keys), {staged} being its staged rows.
create or replace temp table changed_{table} as
with
staged as (
    select s.pmid, count(*) as row_count, sum(hash(s)) as fingerprint
    from {staged} as s
    where s.pmid in (select pmid from pmids_replaced)
    group by s.pmid
),

loaded as (
    select t.pmid, count(*) as row_count, sum(hash(t)) as fingerprint
    from "{table}" as t
    where t.pmid in (select pmid from pmids_replaced)
    group by t.pmid
),

final as (
    select pmid
    from staged
    full join loaded using (pmid)
    where staged.row_count is distinct from loaded.row_count
       or staged.fingerprint is distinct from loaded.fingerprint
)

select * from final
