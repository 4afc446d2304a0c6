-- One row per article and MeSH descriptor, kept by the loader for the articles each file changes.
create table if not exists agg_article_descriptors (
    pmid bigint not null,
    descriptor_name varchar not null,
    is_major boolean,
    refreshed_at timestamp not null
);

comment on table agg_article_descriptors is 'One row per article and MeSH descriptor (grain: pmid, descriptor_name): terms folded over qualifiers, kept in each file''s transaction for the PMIDs it changes (rows of a removed PMID are removed, as in the base tables). Feeds the view article_descriptors.';
comment on column agg_article_descriptors.pmid is 'Article (articles.pmid).';
comment on column agg_article_descriptors.descriptor_name is 'MeSH descriptor name (terms.descriptor_name).';
comment on column agg_article_descriptors.is_major is 'True when the descriptor or one of its qualifiers is a major topic of the article.';
comment on column agg_article_descriptors.refreshed_at is 'Start of the file transaction that wrote the row.';
