-- One row per publication type of an article.
create table if not exists publication_types (
    pmid bigint not null,
    position integer not null,
    type_ui varchar,
    name varchar not null
);

comment on table publication_types is 'One row per publication type of an article (grain: pmid, position). Parent: articles.pmid.';
comment on column publication_types.pmid is 'Article (articles.pmid).';
comment on column publication_types.position is 'Order of the type in the record, from 1.';
comment on column publication_types.type_ui is 'MeSH identifier of the publication type (D......).';
comment on column publication_types.name is 'Publication type, e.g. Journal Article, Review.';
