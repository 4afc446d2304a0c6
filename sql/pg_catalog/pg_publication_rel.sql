-- No relation is published here: an empty pg_publication_rel for psql's \d.
create or replace temp macro pg_publication_rel() as table
select
    null::bigint as oid,
    null::bigint as prpubid,
    null::bigint as prrelid,
    null::varchar as prqual,
    null::smallint[] as prattrs
where false;

comment on macro table temp.main.pg_publication_rel is 'No rows: no relation is published here.';
