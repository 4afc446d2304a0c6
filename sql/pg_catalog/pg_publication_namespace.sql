-- No schema is published here: an empty pg_publication_namespace for psql's \d.
create or replace temp view pg_publication_namespace as
select
    null::bigint as oid,
    null::bigint as pnpubid,
    null::bigint as pnnspid
where false;

comment on view temp.main.pg_publication_namespace is 'No rows: no schema is published here.';
