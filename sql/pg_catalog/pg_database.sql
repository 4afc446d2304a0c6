-- One row per database a client can use: the readers' copy (DuckDB's system and temp
-- catalogs are no PostgreSQL database), in UTF8 with the C locale.
create or replace temp macro pg_database() as table
select
    database_oid as oid,
    database_name as datname,
    10::bigint as datdba,
    6 as encoding,
    'c' as datlocprovider,
    false as datistemplate,
    true as datallowconn,
    -1 as datconnlimit,
    'C' as datcollate,
    'C' as datctype,
    null::varchar as daticulocale,
    null::varchar[] as datacl
from duckdb_databases()
where not internal;

comment on macro table temp.main.pg_database is
'One row per database: the readers'' copy, UTF8, C locale, owned by pubmed-warehouse.';
