-- Invariant: no file is half applied. A file applied in chunks commits its plan (status
-- applying), then its rows chunk by chunk; a load stopped between chunks leaves it applying
-- until `pubmed-warehouse load FILE` (or the sync that was loading it) runs again and finishes
-- it. Meanwhile no other file loads and the readers' copy is not published.
-- Violations: one row per file half applied, with the command that finishes it.
with
plans as (
    select sha256, count(*) as planned_pmids
    from apply_plans
    group by sha256
),

final as (
    select
        f.source_file,
        f.sha256,
        f.started_at,
        p.planned_pmids,
        'pubmed-warehouse load ' || f.source_file as to_finish
    from ingested_files as f
    left join plans as p using (sha256)
    where f.status = 'applying'
)

select * from final
