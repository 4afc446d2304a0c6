-- A relation's size in bytes is not known per relation in a DuckDB file: NULL.
create or replace temp macro pg_relation_size(relation_oid) as null::bigint,
    (relation_oid, fork) as null::bigint;

comment on macro temp.main.pg_relation_size is 'NULL: DuckDB keeps no size per relation.';
