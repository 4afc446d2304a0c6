-- 'name'::regclass: the OID of the relation NAME ('schema.name' and quoted names too) on the
-- search path, NULL when there is none. A number is an OID already; PostgreSQL's own catalog
-- tables have their fixed OIDs (pg_class 1259, pg_constraint 2606...), as pg_description's
-- classoid refers to them.
create or replace temp macro regclass_oid(relation_name) as (
    with
    parts as (
        select
            string_split(replace(relation_name::varchar, '"', ''), '.') as names,
            len(string_split(replace(relation_name::varchar, '"', ''), '.')) as depth
    ),

    catalog_tables as (
        select *
        from (
            values
            ('pg_type', 1247),
            ('pg_proc', 1255),
            ('pg_class', 1259),
            ('pg_constraint', 2606),
            ('pg_namespace', 2615),
            ('pg_database', 1262)
        ) as catalog_tables (relname, oid)
    ),

    relations as (
        select c.oid
        from system.pg_catalog.pg_class as c
        inner join system.pg_catalog.pg_namespace as n on c.relnamespace = n.oid
        cross join parts
        where
            c.relname = names[depth]
            and (depth = 1 or n.nspname = names[depth - 1])
    ),

    final as (
        select try_cast(relation_name::varchar as bigint) as oid
        union all
        select t.oid
        from catalog_tables as t
        cross join parts
        where t.relname = names[depth] and (depth = 1 or names[depth - 1] = 'pg_catalog')
        union all
        select oid from relations
    )

    select min(oid) from final
);

comment on macro temp.main.regclass_oid is
'The OID of a relation named in text, as PostgreSQL''s ''name''::regclass gives it.';
