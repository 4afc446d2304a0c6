-- Every table and table column of database {db} with its type and comment: a copy whose tables
-- match the warehouse's row for row can be brought up to date from it (views are re-created).
with
tables as (
    select table_name, comment
    from duckdb_tables()
    where database_name = '{db}' and schema_name = 'main'
),

columns as (
    select c.table_name, c.column_name, c.data_type, c.is_nullable, c.comment
    from duckdb_columns() as c
    inner join tables as t on c.table_name = t.table_name
    where c.database_name = '{db}' and c.schema_name = 'main'
),

final as (
    select table_name, null as column_name, null as data_type, null as is_nullable, comment
    from tables
    union all
    select * from columns
)

select * from final order by all
