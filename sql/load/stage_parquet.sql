-- Stage one table of a file parsed into Parquet (one row per staged row).
-- A PMID met again in a later batch of the same file keeps only its later rows: rows before
-- `keep_from` (the table's row count when the later record was met) are left out.
with
latest as (
    select pmid, max(keep_from) as keep_from
    from superseded
    where table_name = '{table}'
    group by pmid
),

staged as (
    select * from read_parquet($1, file_row_number = true)
),

final as (
    select s.* exclude (file_row_number)
    from staged as s
    left join latest as l using (pmid)
    where l.keep_from is null or s.file_row_number >= l.keep_from
)

insert into stage_{table} select * from final
