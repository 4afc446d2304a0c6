-- One row per input file processed.
create table if not exists ingested_files (
    source_file varchar not null,
    sha256 varchar not null,
    status varchar not null,
    format varchar,
    file_order_key varchar,
    records bigint,
    inserted bigint,
    replaced bigint,
    unchanged bigint,
    skipped bigint,
    deleted bigint,
    rejected bigint,
    started_at timestamp,
    finished_at timestamp,
    flow_run_id varchar
);

comment on table ingested_files is 'One row per input file processed (grain: sha256): the ledger that makes a second load of the same file a no-op.';
comment on column ingested_files.source_file is 'Path of the file as given to the load.';
comment on column ingested_files.sha256 is 'SHA-256 of the file''s bytes as stored (compressed for .gz); the idempotency key.';
comment on column ingested_files.status is 'loaded; rejected when the whole file could not be read (see rejects); either way the same bytes are not read again. applying while a file applied in chunks has rows still to move (a load of the same bytes finishes it).';
comment on column ingested_files.format is 'Detected format: xml, medline, abstract-text, csv or summary-text; mesh-descriptors, mesh-qualifiers or mesh-supplementary for MeSH; occ for an NIH Open Citation Collection snapshot (records then counts its citation pairs).';
comment on column ingested_files.file_order_key is 'Sortable NLM file number (e.g. 26n01335) for pubmedYYnNNNN files, else NULL; files load in this order.';
comment on column ingested_files.records is 'Records read from the file (articles and deletions, rejects included).';
comment on column ingested_files.inserted is 'PMIDs new to the warehouse.';
comment on column ingested_files.replaced is 'PMIDs whose earlier version this file replaced.';
comment on column ingested_files.unchanged is 'PMIDs whose record was identical to the loaded one.';
comment on column ingested_files.skipped is 'PMIDs not applied because the warehouse holds a newer or richer version.';
comment on column ingested_files.deleted is 'PMIDs removed by the file''s DeleteCitation.';
comment on column ingested_files.rejected is 'Records of the file written to rejects.';
comment on column ingested_files.started_at is 'When loading the file started.';
comment on column ingested_files.finished_at is 'When the file''s transaction committed.';
comment on column ingested_files.flow_run_id is 'Prefect flow run that loaded the file, NULL outside a flow.';
