-- One row per PMID removed from the warehouse.
create table if not exists deletions (
    pmid bigint not null,
    source_file varchar not null,
    file_order_key varchar,
    reason varchar not null,
    deleted_at timestamp not null
);

comment on table deletions is 'One row per removal of a PMID (grain: pmid, source_file): a DeleteCitation, or a yearly baseline that no longer holds it.';
comment on column deletions.pmid is 'The removed article.';
comment on column deletions.source_file is 'File whose DeleteCitation (or baseline) removed it.';
comment on column deletions.file_order_key is 'NLM file number of the removing file; an older file does not bring the PMID back.';
comment on column deletions.reason is 'DeleteCitation, or not in baseline YY.';
comment on column deletions.deleted_at is 'When it was removed.';
