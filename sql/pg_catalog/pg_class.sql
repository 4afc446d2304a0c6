-- One row per relation, as DuckDB's pg_class gives it, with the columns psql also reads.
create or replace temp macro pg_class() as table
select
    * replace (null::varchar[] as reloptions, coalesce(relreplident, 'd') as relreplident),
    false as relforcerowsecurity
from system.pg_catalog.pg_class;

comment on macro table temp.main.pg_class is
'One row per relation (table, view, index, sequence): DuckDB''s pg_class with the columns psql reads.';
