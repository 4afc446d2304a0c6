-- Invariant: each file's counts in ingested_files equal what changes, deletions and rejects
-- record for it.
-- Violations: one row per source file whose ledger counts disagree with those tables.
with
ledger as (
    select
        source_file,
        sum(inserted) as inserted,
        sum(replaced) as replaced,
        sum(unchanged) as unchanged,
        sum(skipped) as skipped,
        sum(deleted) as deleted,
        sum(rejected) as rejected
    from ingested_files
    group by source_file
),

changed as (
    select
        source_file,
        count(*) filter (where action = 'insert') as inserted,
        count(*) filter (where action = 'replace') as replaced,
        count(*) filter (where action = 'unchanged') as unchanged,
        count(*) filter (where action in ('skipped-older', 'skipped-poorer')) as skipped,
        count(*) filter (where action = 'delete') as deleted
    from changes
    group by source_file
),

deleted as (
    select source_file, count(*) as deleted from deletions group by source_file
),

rejected as (
    select source_file, count(*) as rejected from rejects group by source_file
),

final as (
    select
        coalesce(l.source_file, c.source_file, r.source_file) as source_file,
        l.inserted as ledger_inserted,
        coalesce(c.inserted, 0) as changes_inserted,
        l.replaced as ledger_replaced,
        coalesce(c.replaced, 0) as changes_replaced,
        l.unchanged as ledger_unchanged,
        coalesce(c.unchanged, 0) as changes_unchanged,
        l.skipped as ledger_skipped,
        coalesce(c.skipped, 0) as changes_skipped,
        l.deleted as ledger_deleted,
        coalesce(c.deleted, 0) as changes_deleted,
        coalesce(d.deleted, 0) as deletions,
        l.rejected as ledger_rejected,
        coalesce(r.rejected, 0) as rejects
    from ledger as l
    full join changed as c using (source_file)
    full join rejected as r using (source_file)
    left join deleted as d using (source_file)
)

select *
from final
where ledger_inserted is distinct from changes_inserted
    or ledger_replaced is distinct from changes_replaced
    or ledger_unchanged is distinct from changes_unchanged
    or ledger_skipped is distinct from changes_skipped
    or ledger_deleted is distinct from changes_deleted
    or ledger_deleted is distinct from deletions
    or ledger_rejected is distinct from rejects
order by source_file
