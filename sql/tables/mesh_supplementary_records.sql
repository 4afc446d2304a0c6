-- One row per MeSH supplementary concept record of the loaded supplementary year.
create table if not exists mesh_supplementary_records (
    record_ui varchar primary key,
    name varchar not null,
    scr_class varchar,
    note varchar,
    frequency integer,
    date_created date,
    date_revised date,
    mesh_year integer
);

comment on table mesh_supplementary_records is 'One row per supplementary concept record (grain: record_ui) of the loaded file (suppYYYY.xml): chemicals, protocols, rare diseases, organisms. Articles join on supplementary_concepts.concept_ui and substances.substance_ui.';
comment on column mesh_supplementary_records.record_ui is 'Supplementary record unique identifier (C......).';
comment on column mesh_supplementary_records.name is 'Record name.';
comment on column mesh_supplementary_records.scr_class is 'NLM SCRClass: 1 chemical, 2 protocol, 3 rare disease, 4 organism.';
comment on column mesh_supplementary_records.note is 'NLM note; NULL when none.';
comment on column mesh_supplementary_records.frequency is 'NLM Frequency (citations indexed with it), when given.';
comment on column mesh_supplementary_records.date_created is 'DateCreated (DateIntroduced in 2026 and later files).';
comment on column mesh_supplementary_records.date_revised is 'DateRevised (LastUpdated in 2026 and later files).';
comment on column mesh_supplementary_records.mesh_year is 'MeSH year of the file it came from.';
