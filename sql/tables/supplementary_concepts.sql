-- One row per supplementary MeSH concept of an article.
create table if not exists supplementary_concepts (
    pmid bigint not null,
    position integer not null,
    concept_ui varchar,
    name varchar not null,
    type varchar
);

comment on table supplementary_concepts is 'One row per supplementary MeSH concept of an article (grain: pmid, position): SupplMeshList, MEDLINE NM, and RN lines without a registry number. Parent: articles.pmid.';
comment on column supplementary_concepts.pmid is 'Article (articles.pmid).';
comment on column supplementary_concepts.position is 'Order of the concept in the record, from 1.';
comment on column supplementary_concepts.concept_ui is 'Supplementary concept record identifier (C...).';
comment on column supplementary_concepts.name is 'Concept name.';
comment on column supplementary_concepts.type is 'Concept type: Disease, Protocol, Organism or NULL for a chemical.';
