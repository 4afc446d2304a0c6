-- The one role that owns everything here (see pg_get_userbyid), as pg_roles lists roles.
create or replace temp macro pg_roles() as table
select
    10::bigint as oid,
    'pubmed-warehouse' as rolname,
    false as rolsuper,
    false as rolinherit,
    false as rolcreaterole,
    false as rolcreatedb,
    true as rolcanlogin,
    false as rolreplication,
    false as rolbypassrls,
    -1 as rolconnlimit,
    null::timestamp as rolvaliduntil,
    null::varchar[] as rolconfig;

comment on macro table temp.main.pg_roles is 'One row: pubmed-warehouse, the owner of every object.';
