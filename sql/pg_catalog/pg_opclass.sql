-- Operator classes of indexes: DuckDB's indexes have none, so an empty pg_opclass.
create or replace temp macro pg_opclass() as table
select
    null::bigint as oid,
    null::bigint as opcmethod,
    null::varchar as opcname,
    null::bigint as opcnamespace,
    null::boolean as opcdefault
where false;

comment on macro table temp.main.pg_opclass is 'No rows: DuckDB''s indexes have no operator class.';
