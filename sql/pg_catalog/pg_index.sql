-- One row per index: DuckDB's indexes, and one for each primary key and unique constraint (as
-- PostgreSQL keeps one behind each), its OID the constraint's (pg_constraint.conindid).
-- indkey holds the columns' attnums.
create or replace temp macro pg_index() as table
with
constraint_indexes as (
    select
        table_oid * 1000000 + constraint_index as indexrelid,
        table_oid as indrelid,
        constraint_type = 'PRIMARY KEY' as indisprimary,
        true as indisunique,
        list_transform(constraint_column_indexes, lambda i: i + 1)::smallint[] as indkey,
        null::varchar as indexprs
    from duckdb_constraints()
    where constraint_type in ('PRIMARY KEY', 'UNIQUE')
),

duckdb_indexes as (
    select
        index_oid as indexrelid,
        table_oid as indrelid,
        is_primary as indisprimary,
        is_unique as indisunique,
        []::smallint[] as indkey,
        expressions as indexprs
    from duckdb_indexes()
),

final as (
    select
        *,
        len(indkey) as indnatts,
        len(indkey) as indnkeyatts,
        false as indnullsnotdistinct,
        false as indisexclusion,
        true as indimmediate,
        false as indisclustered,
        true as indisvalid,
        false as indcheckxmin,
        true as indisready,
        true as indislive,
        false as indisreplident,
        list_transform(indkey, lambda i: 0)::bigint[] as indcollation,
        list_transform(indkey, lambda i: 0)::bigint[] as indclass,
        list_transform(indkey, lambda i: 0)::smallint[] as indoption,
        null::varchar as indpred
    from (select * from constraint_indexes union all select * from duckdb_indexes)
)

select * from final;

comment on macro table temp.main.pg_index is
'One row per index, and one behind each primary key and unique constraint, as in PostgreSQL.';
