-- One row per MeSH qualifier (subheading) of the loaded qualifier year.
create table if not exists mesh_qualifiers (
    qualifier_ui varchar primary key,
    name varchar not null,
    scope_note varchar,
    tree_numbers varchar[],
    date_created date,
    date_revised date,
    date_established date,
    mesh_year integer
);

comment on table mesh_qualifiers is 'One row per MeSH qualifier (grain: qualifier_ui) of the loaded qualifier file (qualYYYY.xml). Articles join on terms.qualifier_ui.';
comment on column mesh_qualifiers.qualifier_ui is 'Qualifier unique identifier (Q......).';
comment on column mesh_qualifiers.name is 'Qualifier name (lower case, as NLM writes it).';
comment on column mesh_qualifiers.scope_note is 'Scope note of the preferred concept; NULL when none.';
comment on column mesh_qualifiers.tree_numbers is 'Qualifier tree numbers (Y..), in record order.';
comment on column mesh_qualifiers.date_created is 'DateCreated (DateIntroduced in 2026 and later files).';
comment on column mesh_qualifiers.date_revised is 'DateRevised (LastUpdated in 2026 and later files).';
comment on column mesh_qualifiers.date_established is 'DateEstablished; NULL in files that no longer carry it.';
comment on column mesh_qualifiers.mesh_year is 'MeSH year of the file it came from.';
