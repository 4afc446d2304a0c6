-- No logical replication publication exists here: an empty pg_publication for psql's \d.
create or replace temp macro pg_publication() as table
select
    null::bigint as oid,
    null::varchar as pubname,
    null::bigint as pubowner,
    null::boolean as puballtables,
    null::boolean as pubinsert,
    null::boolean as pubupdate,
    null::boolean as pubdelete,
    null::boolean as pubtruncate,
    null::boolean as pubviaroot
where false;

comment on macro table temp.main.pg_publication is 'No rows: no publication exists here.';
