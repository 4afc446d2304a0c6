-- The CREATE INDEX statement of an index (index_definitions), pretty or not.
create or replace temp macro pg_get_indexdef(index_id) as (
    select any_value(d.definition) from index_definitions() as d where d.oid = index_id
),
(index_id, column_number, pretty) as (
    select any_value(d.definition) from index_definitions() as d where d.oid = index_id
);

comment on macro temp.main.pg_get_indexdef is
'The CREATE INDEX statement of an index, or of the index behind a primary key or unique key.';
