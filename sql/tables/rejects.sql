-- One row per record or file that could not be loaded.
create table if not exists rejects (
    source_file varchar not null,
    position bigint,
    format varchar,
    pmid bigint,
    reason varchar not null,
    excerpt varchar,
    rejected_at timestamp not null
);

comment on table rejects is 'One row per record or whole file that could not be loaded (grain: source_file, position, rejected_at). Nothing already in the warehouse is changed by a reject.';
comment on column rejects.source_file is 'File the record came from.';
comment on column rejects.position is 'Ordinal of the record in the file, from 1; NULL when the whole file was rejected.';
comment on column rejects.format is 'Detected format of the file (xml, medline, abstract-text, csv, summary-text), NULL when unknown.';
comment on column rejects.pmid is 'PMID of the record when it could be read.';
comment on column rejects.reason is 'Why it was rejected, and what to do about it.';
comment on column rejects.excerpt is 'The first characters of the offending record or file.';
comment on column rejects.rejected_at is 'When it was rejected.';
