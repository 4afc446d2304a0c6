-- 'name'::regclass: the OID of the relation NAME ('schema.name' and quoted names too) on the
-- search path, NULL when there is none.
create or replace temp macro regclass_oid(relation_name) as (
    with
    parts as (
        select
            string_split(replace(relation_name, '"', ''), '.') as names,
            len(string_split(replace(relation_name, '"', ''), '.')) as depth
    ),

    final as (
        select c.oid
        from system.pg_catalog.pg_class as c
        inner join system.pg_catalog.pg_namespace as n on c.relnamespace = n.oid
        cross join parts
        where
            c.relname = names[depth]
            and (depth = 1 or n.nspname = names[depth - 1])
    )

    select min(oid) from final
);

comment on macro temp.main.regclass_oid is
'The OID of a relation named in text, as PostgreSQL''s ''name''::regclass gives it.';
