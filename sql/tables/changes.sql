-- One row per PMID a file touched.
create table if not exists changes (
    pmid bigint not null,
    source_file varchar not null,
    action varchar not null,
    record_hash varchar,
    changed_at timestamp not null
);

comment on table changes is 'One row per PMID per file that carried it (grain: pmid, source_file): what the file did to that PMID.';
comment on column changes.pmid is 'Article.';
comment on column changes.source_file is 'File that carried the record.';
comment on column changes.action is 'insert, replace, unchanged, delete, skipped-older (the warehouse holds a newer version) or skipped-poorer (it holds a richer format of the same version).';
comment on column changes.record_hash is 'Hash of the record the file carried (NULL for a delete).';
comment on column changes.changed_at is 'When the file was loaded.';
