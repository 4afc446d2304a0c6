-- One row per substance (chemical) of an article.
create table if not exists substances (
    pmid bigint not null,
    position integer not null,
    registry_number varchar,
    substance_ui varchar,
    name varchar not null
);

comment on table substances is 'One row per substance (chemical) indexed for an article (grain: pmid, position): ChemicalList, MEDLINE RN. Parent: articles.pmid.';
comment on column substances.pmid is 'Article (articles.pmid).';
comment on column substances.position is 'Order of the substance in the record, from 1.';
comment on column substances.registry_number is 'CAS registry number, EC number or UNII; 0 when none is assigned.';
comment on column substances.substance_ui is 'MeSH identifier of the substance (D... or C...); filled from other records for formats that carry names only.';
comment on column substances.name is 'Substance name (NameOfSubstance).';
