-- Invariant: each file's bytes are in the ledger once (the key that makes reloads no-ops).
-- Violations: one row per SHA-256 recorded more than once.
select
    sha256,
    count(*) as ledger_rows,
    list(source_file order by started_at) as source_files
from ingested_files
group by sha256
having count(*) > 1 or sha256 is null
