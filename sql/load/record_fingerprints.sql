-- The record_fingerprints rows of a set of PMIDs (one row per pmid): per fingerprinted table,
-- the count and fingerprint of the PMID's rows (table_fingerprints.sql, one CTE per table,
-- joined on pmid), 0 and 0 where it has none. Read from the staged file's rows or from the
-- loaded ones; either way a PMID's values equal when its rows do.
with
{per_table},

final as (
    select
        p.pmid,
{columns}
    from (select distinct pmid from {pmids}) as p
{joins}
)

select * from final
