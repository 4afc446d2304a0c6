-- One row per relation, as DuckDB's pg_class gives it, with the columns psql also reads, and
-- one index per primary key and unique constraint (as pg_index lists them; PostgreSQL keeps an
-- index behind each), named after its constraint.
create or replace temp macro pg_class() as table
with
relations as (
    select
        * replace (null::varchar[] as reloptions, coalesce(relreplident, 'd') as relreplident),
        false as relforcerowsecurity
    from system.pg_catalog.pg_class
),

constraint_indexes as (
    select
        r.* replace (
            c.table_oid * 1000000 + c.constraint_index as oid,
            c.constraint_name as relname,
            'i' as relkind,
            len(c.constraint_column_indexes) as relnatts,
            'p' as relpersistence
        )
    from relations as r
    inner join duckdb_constraints() as c on r.oid = c.table_oid
    where c.constraint_type in ('PRIMARY KEY', 'UNIQUE')
),

final as (
    select * from relations
    union all
    select * from constraint_indexes
)

select * from final;

comment on macro table temp.main.pg_class is
'One row per relation (table, view, index, sequence) and per index behind a key, as psql reads it.';
