-- One row per heading a MeSH supplementary record is mapped to.
create table if not exists mesh_headings_mapped_to (
    record_ui varchar not null,
    position integer not null,
    descriptor_ui varchar not null,
    descriptor_name varchar,
    qualifier_ui varchar,
    is_major boolean not null
);

comment on table mesh_headings_mapped_to is 'One row per heading a supplementary record is mapped to (grain: record_ui, position): an article indexed with the record is indexed with these descriptors too. Parent: mesh_supplementary_records.record_ui.';
comment on column mesh_headings_mapped_to.record_ui is 'Supplementary record (mesh_supplementary_records.record_ui).';
comment on column mesh_headings_mapped_to.position is 'Order of the heading in the record, from 1.';
comment on column mesh_headings_mapped_to.descriptor_ui is 'Descriptor mapped to (D......), without NLM''s leading *.';
comment on column mesh_headings_mapped_to.descriptor_name is 'Descriptor name as the record gives it.';
comment on column mesh_headings_mapped_to.qualifier_ui is 'Qualifier of the mapping (Q......), NULL when none.';
comment on column mesh_headings_mapped_to.is_major is 'True when NLM marks the descriptor or its qualifier with * (a major heading).';
