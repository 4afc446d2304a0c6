-- One row per PMID whose rows a file applied in chunks still moves, while it is half applied.
create table if not exists apply_plans (
    sha256 varchar not null,
    pmid bigint not null,
    step varchar not null,
    record_hash varchar,
    merged_into bigint
);

comment on table apply_plans is 'One row per PMID (and step) a file applied in chunks moves (grain: sha256, pmid, step): the file''s plan, written with its changes rows while its ingested_files row is applying, read again by a rerun that finishes it, deleted once it is loaded.';
comment on column apply_plans.sha256 is 'SHA-256 of the file''s bytes (its ingested_files row).';
comment on column apply_plans.pmid is 'PMID the file inserts, replaces or deletes, or surrogate PMID it merges into a real article.';
comment on column apply_plans.step is 'insert or replace (the file''s record goes in), delete (its DeleteCitation takes the PMID out), merge (a surrogate leaves for merged_into).';
comment on column apply_plans.record_hash is 'For insert and replace, the hash of the file''s record: a PMID whose loaded record has it has moved.';
comment on column apply_plans.merged_into is 'For merge, the real PMID the surrogate stands for; else NULL.';
