-- The comment on column COLUMN_NUMBER (pg_attribute.attnum) of relation TABLE_OID.
create or replace temp macro col_description(described_relation, described_column) as (
    select any_value(d.description)
    from system.pg_catalog.pg_description as d
    where d.objoid = described_relation and d.objsubid = described_column
);

comment on macro temp.main.col_description is
'The comment on a column of a table or view, from pg_description.';
