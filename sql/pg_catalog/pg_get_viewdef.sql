-- The definition of a view, pretty-printed or not (DuckDB keeps the CREATE VIEW statement).
create or replace temp macro pg_get_viewdef(view_id) as (
    select any_value(v.sql) from duckdb_views() as v where v.view_oid = view_id
),
(view_id, pretty) as (
    select any_value(v.sql) from duckdb_views() as v where v.view_oid = view_id
);

comment on macro temp.main.pg_get_viewdef is 'The CREATE VIEW statement of a view.';
