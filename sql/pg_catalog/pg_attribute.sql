-- One row per column of a table or view: DuckDB's pg_attribute with the type OID this server
-- sends for the column's type (`pg_type_oid`, as in each RowDescription) and its storage.
create or replace temp macro pg_attribute() as table
select
    a.* replace (
        pg_type_oid(c.data_type)::bigint as atttypid,
        case when pg_type_oid(c.data_type) in (25, 17) then 'x' else 'p' end as attstorage
    )
from system.pg_catalog.pg_attribute as a
inner join duckdb_columns() as c on a.attrelid = c.table_oid and a.attnum = c.column_index;

comment on macro table temp.main.pg_attribute is
'One row per column: DuckDB''s pg_attribute with the PostgreSQL type OID this server sends.';
