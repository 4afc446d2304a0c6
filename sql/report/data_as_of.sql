-- How current the warehouse is: one row (last load, newest NLM file, newest revision date).
with

loads as (
    select max(finished_at) as last_loaded_at, count(*) as file_count
    from ingested_files
),

newest_nlm_file as (
    select source_file as newest_nlm_file
    from ingested_files
    where file_order_key is not null and status = 'loaded'
    order by file_order_key desc
    limit 1
),

article_totals as (
    select count(*) as article_count, max(date_revised) as last_revised
    from articles
),

final as (
    select
        loads.last_loaded_at,
        loads.file_count,
        article_totals.article_count,
        article_totals.last_revised,
        newest_nlm_file.newest_nlm_file
    from loads
    cross join article_totals
    left join newest_nlm_file on true
)

select * from final;
