-- One row per cited reference of an article.
create table if not exists "references" (
    pmid bigint not null,
    position integer not null,
    citation varchar using compression zstd,
    ref_pmid bigint,
    ref_doi varchar
);

comment on table "references" is 'One row per reference cited by an article (grain: pmid, position), from PubmedData ReferenceList. Parent: articles.pmid. Quote the name in SQL: "references".';
comment on column "references".pmid is 'Citing article (articles.pmid).';
comment on column "references".position is 'Order of the reference, from 1, across all reference lists of the record.';
comment on column "references".citation is 'Citation text as given.';
comment on column "references".ref_pmid is 'PMID of the cited article, when known.';
comment on column "references".ref_doi is 'DOI of the cited article, when known.';
