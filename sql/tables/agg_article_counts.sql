-- One row per article: counts of its child rows, kept by the loader for the articles each file changes.
create table if not exists agg_article_counts (
    pmid bigint not null,
    publication_types varchar[] not null,
    first_author varchar,
    author_count bigint not null,
    orcid_author_count bigint not null,
    investigator_count bigint not null,
    descriptor_count bigint not null,
    major_descriptor_count bigint not null,
    substance_count bigint not null,
    keyword_count bigint not null,
    grant_count bigint not null,
    reference_count bigint not null,
    referenced_pmids bigint not null,
    has_abstract boolean not null,
    refreshed_at timestamp not null
);

comment on table agg_article_counts is 'One row per article (grain: pmid): counts of its child rows, kept in each file''s transaction for the PMIDs it changes (the row of a removed PMID is removed, as in the base tables). Feeds the view article_summary.';
comment on column agg_article_counts.pmid is 'Article (articles.pmid).';
comment on column agg_article_counts.publication_types is 'Publication type names in record order, empty when none.';
comment on column agg_article_counts.first_author is 'First listed author as "last name initials" (or the collective name).';
comment on column agg_article_counts.author_count is 'Authors listed, investigators not counted.';
comment on column agg_article_counts.orcid_author_count is 'Authors with an ORCID.';
comment on column agg_article_counts.investigator_count is 'Investigators listed.';
comment on column agg_article_counts.descriptor_count is 'Distinct MeSH descriptors of the article.';
comment on column agg_article_counts.major_descriptor_count is 'Distinct MeSH descriptors that are a major topic.';
comment on column agg_article_counts.substance_count is 'Substances of the article.';
comment on column agg_article_counts.keyword_count is 'Keywords of the article.';
comment on column agg_article_counts.grant_count is 'Grants of the article.';
comment on column agg_article_counts.reference_count is 'Cited references of the article.';
comment on column agg_article_counts.referenced_pmids is 'Distinct PMIDs among its cited references.';
comment on column agg_article_counts.has_abstract is 'True when the article has an abstract (articles.abstract is not NULL): kept here so that article_summary reads no abstract text.';
comment on column agg_article_counts.refreshed_at is 'Start of the file transaction that wrote the row.';
