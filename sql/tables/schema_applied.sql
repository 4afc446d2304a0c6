-- One row: the version of the schema files whose DDL this warehouse last ran.
create table if not exists schema_applied (
    sql_digest varchar not null,
    applied_at timestamp not null
);

comment on table schema_applied is 'One row per warehouse (grain: none, a single row): the digest of the sql/tables and sql/views files whose DDL the warehouse last ran. A writer that finds the same digest and every declared table and view in place runs none of it; one with other files (another version of pubmed-warehouse) or a missing table or view runs it all again, in one transaction.';
comment on column schema_applied.sql_digest is 'BLAKE2b of the text of every sql/tables and sql/views file, in name order.';
comment on column schema_applied.applied_at is 'When that DDL last ran on this warehouse.';
