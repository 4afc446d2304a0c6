-- One row per index (grain: oid): its CREATE INDEX statement, DuckDB's own, or PostgreSQL's
-- wording for the index behind a primary key or unique constraint (its OID the constraint's,
-- as in pg_index). Read by pg_get_indexdef.
create or replace temp macro index_definitions() as table
select i.index_oid as oid, i.sql as definition
from duckdb_indexes() as i
union all
select
    c.table_oid * 1000000 + c.constraint_index as oid,
    concat(
        'CREATE UNIQUE INDEX ', c.constraint_name, ' ON ', c.schema_name, '.', c.table_name,
        ' USING btree (', array_to_string(c.constraint_column_names, ', '), ')'
    ) as definition
from duckdb_constraints() as c
where c.constraint_type in ('PRIMARY KEY', 'UNIQUE');

comment on macro table temp.main.index_definitions is
'One row per index (grain: oid): its CREATE INDEX statement, for pg_get_indexdef.';
