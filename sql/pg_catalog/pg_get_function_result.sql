-- A function's result type: DuckDB's pg_proc keeps none, so NULL (user functions: none).
create or replace temp macro pg_get_function_result(function_oid) as null::varchar;

comment on macro temp.main.pg_get_function_result is 'NULL: no result type is kept here.';
