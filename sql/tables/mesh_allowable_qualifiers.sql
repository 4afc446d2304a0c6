-- One row per qualifier allowed with a MeSH descriptor.
create table if not exists mesh_allowable_qualifiers (
    descriptor_ui varchar not null,
    qualifier_ui varchar not null,
    qualifier_name varchar not null,
    abbreviation varchar
);

comment on table mesh_allowable_qualifiers is 'One row per qualifier allowed with a descriptor (grain: descriptor_ui, qualifier_ui). Parent: mesh_descriptors.descriptor_ui.';
comment on column mesh_allowable_qualifiers.descriptor_ui is 'Descriptor (mesh_descriptors.descriptor_ui).';
comment on column mesh_allowable_qualifiers.qualifier_ui is 'Qualifier (Q......).';
comment on column mesh_allowable_qualifiers.qualifier_name is 'Qualifier name as the record gives it.';
comment on column mesh_allowable_qualifiers.abbreviation is 'Two-letter qualifier abbreviation (AE, CL, ...).';
