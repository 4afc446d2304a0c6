-- One row per MeSH file kind (descriptors, qualifiers, supplementary) currently loaded.
create table if not exists mesh_vocabularies (
    kind varchar primary key,
    mesh_year integer,
    source_file varchar not null,
    sha256 varchar not null,
    records bigint not null,
    loaded_at timestamp not null
);

comment on table mesh_vocabularies is 'One row per MeSH file kind currently loaded (grain: kind): which MeSH year and file the mesh_* tables of that kind hold. A file of the same or a later year replaces its kind in one transaction; an older year is refused.';
comment on column mesh_vocabularies.kind is 'descriptors (descYYYY.xml), qualifiers (qualYYYY.xml) or supplementary (suppYYYY.xml).';
comment on column mesh_vocabularies.mesh_year is 'MeSH vocabulary year: from the DOCTYPE (nlmdescriptorrecordset_YYYY0101.dtd), else the file name (descYYYY), else the year after the newest record date.';
comment on column mesh_vocabularies.source_file is 'Path of the file as given to the load.';
comment on column mesh_vocabularies.sha256 is 'SHA-256 of the file''s bytes as stored (ingested_files.sha256).';
comment on column mesh_vocabularies.records is 'Records read from the file.';
comment on column mesh_vocabularies.loaded_at is 'When the file''s transaction started.';
