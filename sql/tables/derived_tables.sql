-- One row per table the loader keeps up to date file by file, once built from the warehouse.
create table if not exists derived_tables (
    table_name varchar not null,
    built_at timestamp not null
);

comment on table derived_tables is 'One row per table the loader maintains incrementally (grain: table_name): present once the table was built from the rows already loaded, so a warehouse made before that table existed is filled once, in the first load that needs it.';
comment on column derived_tables.table_name is 'name_uis, pending_uis, citation_keys or record_fingerprints.';
comment on column derived_tables.built_at is 'When it was built from the loaded rows.';
