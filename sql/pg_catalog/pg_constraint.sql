-- One row per constraint, as DuckDB's pg_constraint gives it, with PostgreSQL's names and its
-- column numbers counted from 1 (as pg_attribute.attnum), so that a key joins to its columns;
-- a primary key or unique constraint refers to its index in pg_index (conindid).
create or replace temp macro pg_constraint() as table
select
    p.* replace (
        c.constraint_name as conname,
        list_transform(c.constraint_column_indexes, lambda i: i + 1)::smallint[] as conkey,
        case
            when c.constraint_type in ('PRIMARY KEY', 'UNIQUE') then p.oid else 0
        end::bigint as conindid
    )
from system.pg_catalog.pg_constraint as p
inner join duckdb_constraints() as c on p.oid = c.table_oid * 1000000 + c.constraint_index;

comment on macro table temp.main.pg_constraint is
'One row per constraint: DuckDB''s pg_constraint with constraint names and 1-based conkey.';
