-- A function's argument list: DuckDB's pg_proc keeps none, so NULL (user functions: none).
create or replace temp macro pg_get_function_arguments(function_oid) as null::varchar;

comment on macro temp.main.pg_get_function_arguments is 'NULL: no argument list is kept here.';
