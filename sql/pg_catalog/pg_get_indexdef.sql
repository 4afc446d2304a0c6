-- The CREATE INDEX statement of an index, as DuckDB keeps it.
create or replace temp macro pg_get_indexdef(index_id) as (
    select any_value(i.sql) from duckdb_indexes() as i where i.index_oid = index_id
),
(index_id, column_number, pretty) as (
    select any_value(i.sql) from duckdb_indexes() as i where i.index_oid = index_id
);

comment on macro temp.main.pg_get_indexdef is 'The CREATE INDEX statement of an index.';
