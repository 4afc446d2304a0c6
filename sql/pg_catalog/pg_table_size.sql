-- A relation's size in bytes is not known per relation in a DuckDB file: NULL, as for a
-- relation PostgreSQL cannot find.
create or replace temp macro pg_table_size(relation_oid) as null::bigint;

comment on macro temp.main.pg_table_size is 'NULL: DuckDB keeps no size per relation.';
