-- Replaced PMIDs whose rows in one table differ from the staged ones (one row per pmid): only
-- these have their rows of that table deleted and inserted again. Rows compare as a multiset,
-- NULLs equal. Run per child table (and citation_keys), {staged} being its staged rows.
create or replace temp table changed_{table} as
with
staged as (
    select * from {staged} where pmid in (select pmid from pmids_replaced)
),

loaded as (
    select * from "{table}" where pmid in (select pmid from pmids_replaced)
),

final as (
    select pmid from (select * from staged except all select * from loaded)
    union
    select pmid from (select * from loaded except all select * from staged)
)

select * from final
