-- One row per MeSH descriptor record of the loaded descriptor year.
create table if not exists mesh_descriptors (
    descriptor_ui varchar primary key,
    name varchar not null,
    descriptor_class varchar,
    scope_note varchar,
    date_created date,
    date_revised date,
    date_established date,
    mesh_year integer
);

comment on table mesh_descriptors is 'One row per MeSH descriptor (grain: descriptor_ui) of the loaded descriptor file (descYYYY.xml). Articles join on terms.descriptor_ui, so a descriptor renamed between MeSH years still matches by its UI.';
comment on column mesh_descriptors.descriptor_ui is 'Descriptor unique identifier (D......).';
comment on column mesh_descriptors.name is 'Preferred descriptor name in this MeSH year.';
comment on column mesh_descriptors.descriptor_class is 'NLM DescriptorClass: 1 topical, 2 publication type, 3 check tag, 4 geographic.';
comment on column mesh_descriptors.scope_note is 'Scope note of the preferred concept, whitespace folded; NULL when none.';
comment on column mesh_descriptors.date_created is 'DateCreated (DateIntroduced in 2026 and later files).';
comment on column mesh_descriptors.date_revised is 'DateRevised (LastUpdated in 2026 and later files).';
comment on column mesh_descriptors.date_established is 'DateEstablished: the year established, as a date; NULL in files that no longer carry it.';
comment on column mesh_descriptors.mesh_year is 'MeSH year of the file it came from (mesh_vocabularies.mesh_year).';
