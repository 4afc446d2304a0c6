-- The columns of an extended statistics object: none exist here.
create or replace temp macro pg_get_statisticsobjdef_columns(statistics_oid) as null::varchar;

comment on macro temp.main.pg_get_statisticsobjdef_columns is
'NULL: no extended statistics object exists here.';
