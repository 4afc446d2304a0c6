-- Invariant: every article's contribution to the aggregates is added, and every change merged.
-- A writer run leaves the contribution of the articles its files insert pending
-- (pending_aggregates) and adds that of several files at once, and a file applied in chunks
-- keeps what its chunks take out (pending_agg_*) until its last chunk; both are merged at the
-- latest before the readers' copy is published. A run stopped in between leaves them pending
-- until the next command that writes the warehouse (`load`, `sync`, `fetch`) adds them.
-- Meanwhile the agg_* tables and the views on them are not up to date.
-- Violations: one row per article whose contribution is still pending, and one per aggregate
-- with changes still pending (pmid NULL, the aggregate and its pending rows).
with
articles_pending as (
    select
        p.pmid,
        a.source_file,
        null::varchar as aggregate,
        null::bigint as pending_rows,
        'any command that writes the warehouse (load, sync, fetch) adds it' as to_settle
    from pending_aggregates as p
    left join articles as a using (pmid)
),

changes_pending as (
    select
        null::bigint as pmid,
        null::varchar as source_file,
        aggregate,
        count(*) as pending_rows,
        'any command that writes the warehouse (load, sync, fetch) merges them' as to_settle
    from ({pending_aggregate_changes})
    group by aggregate
),

final as (
    select * from articles_pending
    union all
    select * from changes_pending
)

select * from final
