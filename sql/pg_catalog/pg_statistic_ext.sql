-- No extended statistics exist here: an empty pg_statistic_ext for psql's \d.
create or replace temp macro pg_statistic_ext() as table
select
    null::bigint as oid,
    null::bigint as stxrelid,
    null::varchar as stxname,
    null::bigint as stxnamespace,
    null::bigint as stxowner,
    null::integer as stxstattarget,
    null::smallint[] as stxkeys,
    null::varchar[] as stxkind,
    null::varchar as stxexprs
where false;

comment on macro table temp.main.pg_statistic_ext is 'No rows: no extended statistics exist here.';
