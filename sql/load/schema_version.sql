-- Which version of the schema files the warehouse holds: written with their DDL, in the same
-- transaction, and read by every writable connection, which runs that DDL again only when the
-- digest differs or a declared table or view is missing.
create or replace view schema_version as select '{digest}' as sql_digest;

comment on view schema_version is 'One row per warehouse (grain: none, a single row): the digest of the sql/tables and sql/views files whose DDL the warehouse last ran. A writer that finds this digest and every declared table and view in place runs none of it; one with other files (another version of pubmed-warehouse) or a missing table or view runs it all again.';
comment on column schema_version.sql_digest is 'BLAKE2b of the text of every sql/tables and sql/views file, in the order they run.';
