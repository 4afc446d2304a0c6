-- The comment on an object (a table or view, by OID), with or without its catalog's name.
create or replace temp macro obj_description(described_object) as (
    select any_value(d.description)
    from system.pg_catalog.pg_description as d
    where d.objoid = described_object and d.objsubid = 0
),
(described_object, catalog_name) as (
    select any_value(d.description)
    from system.pg_catalog.pg_description as d
    where d.objoid = described_object and d.objsubid = 0
);

comment on macro temp.main.obj_description is
'The comment on a table or view, from pg_description.';
