-- The warehouse's views with their definitions and comments, in name order (a view uses only
-- views that sort before it), and the comments of their columns.
with
views as (
    select view_name, sql, comment
    from duckdb_views()
    where database_name = current_database() and schema_name = 'main' and not internal
),

final as (
    select v.view_name, v.sql, v.comment, list((c.column_name, c.comment) order by c.column_index) filter (where c.comment is not null) as column_comments
    from views as v
    left join duckdb_columns() as c
        on c.table_name = v.view_name and c.database_name = current_database() and c.schema_name = 'main'
    group by all
)

select * from final order by view_name
