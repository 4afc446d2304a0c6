-- One row per article: the columns of the view article_summary, kept by the loader for the
-- articles each file changes, so that the view reads one table.
create table if not exists agg_article_summary (
    pmid bigint not null,
    title varchar using compression zstd,
    journal_title varchar,
    journal_abbrev varchar,
    pub_year integer,
    pub_date date,
    language varchar,
    doi varchar,
    pmc_id varchar,
    status varchar,
    is_book boolean,
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

comment on table agg_article_summary is 'One row per article (grain: pmid): its citation fields (copied from articles) and counts of its child rows, kept in each file''s transaction for the PMIDs it changes (the row of a removed PMID is removed, as in the base tables; sql/aggregates/article_summary.sql holds the rule). Feeds the views article_summary and citation_summary, which read it without joining articles.';
comment on column agg_article_summary.pmid is 'Article (articles.pmid).';
comment on column agg_article_summary.title is 'Article title (articles.title).';
comment on column agg_article_summary.journal_title is 'Full journal title (articles.journal_title).';
comment on column agg_article_summary.journal_abbrev is 'NLM title abbreviation (articles.journal_abbrev).';
comment on column agg_article_summary.pub_year is 'Publication year (articles.pub_year).';
comment on column agg_article_summary.pub_date is 'Publication date (articles.pub_date).';
comment on column agg_article_summary.language is 'First language (articles.language).';
comment on column agg_article_summary.doi is 'DOI (articles.doi).';
comment on column agg_article_summary.pmc_id is 'PubMed Central identifier (articles.pmc_id).';
comment on column agg_article_summary.status is 'MEDLINE citation status (articles.status).';
comment on column agg_article_summary.is_book is 'True for a Bookshelf record (articles.is_book).';
comment on column agg_article_summary.publication_types is 'Publication type names in record order, empty when none.';
comment on column agg_article_summary.first_author is 'First listed author as "last name initials" (or the collective name).';
comment on column agg_article_summary.author_count is 'Authors listed, investigators not counted.';
comment on column agg_article_summary.orcid_author_count is 'Authors with an ORCID.';
comment on column agg_article_summary.investigator_count is 'Investigators listed.';
comment on column agg_article_summary.descriptor_count is 'Distinct MeSH descriptors of the article.';
comment on column agg_article_summary.major_descriptor_count is 'Distinct MeSH descriptors that are a major topic.';
comment on column agg_article_summary.substance_count is 'Substances of the article.';
comment on column agg_article_summary.keyword_count is 'Keywords of the article.';
comment on column agg_article_summary.grant_count is 'Grants of the article.';
comment on column agg_article_summary.reference_count is 'Cited references of the article.';
comment on column agg_article_summary.referenced_pmids is 'Distinct PMIDs among its cited references.';
comment on column agg_article_summary.has_abstract is 'True when the article has an abstract (articles.abstract is not NULL).';
comment on column agg_article_summary.refreshed_at is 'Start of the file transaction that wrote the row.';
