-- Invariant: every article's contribution to the aggregates is added. A writer run leaves the
-- contribution of the articles its files insert pending (pending_aggregates) and adds that of
-- several files at once, at the latest before it publishes the readers' copy; a run stopped
-- in between leaves them pending until the next command that writes the warehouse (`load`,
-- `sync`, `fetch`) adds them. Meanwhile the agg_* tables and the views on them miss them.
-- Violations: one row per article whose contribution is still pending.
with
final as (
    select
        p.pmid,
        a.source_file,
        'any command that writes the warehouse (load, sync, fetch) adds it' as to_settle
    from pending_aggregates as p
    left join articles as a using (pmid)
)

select * from final
