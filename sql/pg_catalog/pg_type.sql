-- One row per type: those this server sends ({pg_types}: oid, name), then DuckDB's others.
create or replace temp macro pg_type() as table
with
sent as (
    select
        oid::bigint as oid,
        typname,
        case when typname like '\_%' escape '\' then 'A' else 'B' end as typcategory
    from (values {pg_types}) as sent (oid, typname)
),

duckdb_types as (
    select * from system.pg_catalog.pg_type where oid not in (select oid from sent)
),

final as (
    select
        s.oid,
        s.typname,
        d.typnamespace,
        0 as typowner,
        -1::bigint as typlen,
        false as typbyval,
        'b' as typtype,
        s.typcategory,
        false as typispreferred,
        true as typisdefined,
        ',' as typdelim,
        0::bigint as typrelid,
        case when s.typcategory = 'A' then e.oid else 0 end::bigint as typelem,
        0::bigint as typarray,
        0::bigint as typbasetype,
        -1 as typtypmod,
        0 as typndims,
        false as typnotnull,
        0::bigint as typcollation,
        'i' as typalign,
        'p' as typstorage,
        null::varchar as typdefault
    from sent as s
    cross join (select any_value(typnamespace) as typnamespace from system.pg_catalog.pg_type) as d
    left join sent as e on e.typname = substr(s.typname, 2)
    union all by name
    select
        oid, typname, typnamespace, typowner, typlen, typbyval, typtype, typcategory,
        typispreferred, typisdefined, ',' as typdelim, 0::bigint as typrelid, 0::bigint as typelem,
        0::bigint as typarray, 0::bigint as typbasetype, -1 as typtypmod, 0 as typndims,
        false as typnotnull, 0::bigint as typcollation, typalign, typstorage,
        null::varchar as typdefault
    from duckdb_types
)

select * from final;

comment on macro table temp.main.pg_type is
'One row per type: the PostgreSQL types this server sends, then DuckDB''s other types.';
