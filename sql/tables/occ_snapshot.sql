-- One row: the NIH Open Citation Collection snapshot whose pairs occ_links holds.
create table if not exists occ_snapshot (
    source_file varchar not null,
    sha256 varchar not null,
    pairs bigint not null,
    loaded_at timestamp not null
);

comment on table occ_snapshot is 'One row per loaded NIH Open Citation Collection snapshot, so at most one (none before the first load): the file whose pairs occ_links holds. Replaced with occ_links in the same transaction; every load is also a row of ingested_files (format occ, records = pairs).';
comment on column occ_snapshot.source_file is 'Path of the snapshot as given to the load (open_citation_collection.zip or its CSV).';
comment on column occ_snapshot.sha256 is 'SHA-256 of the file''s bytes (ingested_files.sha256).';
comment on column occ_snapshot.pairs is 'Pairs loaded (rows of occ_links).';
comment on column occ_snapshot.loaded_at is 'Start of the load that wrote it.';
