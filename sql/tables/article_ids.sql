-- One row per identifier of an article itself.
create table if not exists article_ids (
    pmid bigint not null,
    id_type varchar not null,
    id_value varchar not null
);

comment on table article_ids is 'One row per identifier of the article itself (grain: pmid, id_type, id_value): PubmedData ArticleIdList, ELocationID, MEDLINE AID/LID; never a cited reference''s. Parent: articles.pmid.';
comment on column article_ids.pmid is 'Article (articles.pmid).';
comment on column article_ids.id_type is 'Identifier type: pubmed, doi, pmc, pii, mid, pmcid, ...';
comment on column article_ids.id_value is 'The identifier.';
