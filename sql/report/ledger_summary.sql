-- The file ledger (`ingested_files`) summed: one row per input format and file status.
with

final as (
    select
        coalesce(format, 'unknown') as format,
        status,
        count(*) as file_count,
        coalesce(sum(records), 0)::bigint as records,
        coalesce(sum(inserted), 0)::bigint as inserted,
        coalesce(sum(replaced), 0)::bigint as replaced,
        coalesce(sum(unchanged), 0)::bigint as unchanged,
        coalesce(sum(skipped), 0)::bigint as skipped,
        coalesce(sum(deleted), 0)::bigint as deleted,
        coalesce(sum(rejected), 0)::bigint as rejected,
        max(finished_at) as last_finished_at
    from ingested_files
    group by all
    order by file_count desc, format, status
)

select * from final;
