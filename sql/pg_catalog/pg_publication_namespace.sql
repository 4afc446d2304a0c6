-- No schema is published here: an empty pg_publication_namespace for psql's \d.
create or replace temp macro pg_publication_namespace() as table
select
    null::bigint as oid,
    null::bigint as pnpubid,
    null::bigint as pnnspid
where false;

comment on macro table temp.main.pg_publication_namespace is 'No rows: no schema is published here.';
