-- One row per (kind, name): the UI the warehouse's rows give a MeSH name, kept by the loader.
create table if not exists name_uis (
    kind varchar not null,
    name varchar not null,
    ui varchar not null
);

comment on table name_uis is 'One row per kind and name (grain: kind, name): the UI that loaded rows give a MeSH name (the least when several do), kept up to date file by file; it fills the UIs of formats that carry names only. Maintained by the loader.';
comment on column name_uis.kind is 'Which names: descriptor, qualifier, concept (supplementary_concepts), publication_type or substance.';
comment on column name_uis.name is 'The name as loaded (terms.descriptor_name, terms.qualifier_name, supplementary_concepts.name, publication_types.name, substances.name).';
comment on column name_uis.ui is 'NLM unique identifier given to that name (D..., Q..., C...).';
