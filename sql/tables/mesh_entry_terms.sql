-- One row per term (preferred name or entry term) of a MeSH descriptor.
create table if not exists mesh_entry_terms (
    descriptor_ui varchar not null,
    term_ui varchar not null,
    term varchar not null,
    concept_ui varchar not null,
    is_record_preferred boolean not null,
    is_permuted boolean not null
);

comment on table mesh_entry_terms is 'One row per term of a descriptor (grain: descriptor_ui, concept_ui, term_ui): its preferred name and every entry term ("see" reference) of every concept. Parent: mesh_descriptors.descriptor_ui.';
comment on column mesh_entry_terms.descriptor_ui is 'Descriptor (mesh_descriptors.descriptor_ui).';
comment on column mesh_entry_terms.term_ui is 'Term unique identifier (T......).';
comment on column mesh_entry_terms.term is 'The term as NLM writes it.';
comment on column mesh_entry_terms.concept_ui is 'Concept the term belongs to (M......).';
comment on column mesh_entry_terms.is_record_preferred is 'True for the descriptor''s preferred term (its name); false for entry terms.';
comment on column mesh_entry_terms.is_permuted is 'True for NLM''s permuted forms of another term (IsPermutedTermYN, older files).';
