-- One row per article: the article's citation fields with counts of its child rows, both kept
-- per article in agg_article_summary (one table read, no join: a full scan stays fast).
create or replace view article_summary as

with

final as (
    select * exclude (referenced_pmids, refreshed_at)
    from agg_article_summary
)

select * from final;

comment on view article_summary is 'One row per article (grain: pmid, unique and not null): citation fields of articles with counts of its authors, MeSH descriptors, substances, keywords, grants and references.';
comment on column article_summary.pmid is 'PubMed identifier (articles.pmid); negative for a record saved without a PMID.';
comment on column article_summary.title is 'Article title (articles.title).';
comment on column article_summary.journal_title is 'Full journal title (articles.journal_title).';
comment on column article_summary.journal_abbrev is 'NLM title abbreviation, MedlineTA (articles.journal_abbrev).';
comment on column article_summary.pub_year is 'Year of the issue''s publication date (articles.pub_year).';
comment on column article_summary.pub_date is 'First day of the issue''s publication period (articles.pub_date).';
comment on column article_summary.language is 'First language of the article, NLM three-letter code.';
comment on column article_summary.doi is 'DOI of the article (articles.doi).';
comment on column article_summary.pmc_id is 'PubMed Central identifier, when the article is in PMC.';
comment on column article_summary.status is 'MEDLINE citation status (MEDLINE, PubMed-not-MEDLINE, In-Process, ...).';
comment on column article_summary.is_book is 'True for a Bookshelf record.';
comment on column article_summary.publication_types is 'Publication type names in record order (publication_types.name), empty when none.';
comment on column article_summary.first_author is 'First listed author as "last name initials" (or the collective name); NULL when the article has no author.';
comment on column article_summary.author_count is 'Authors listed, investigators not counted (authors where not is_investigator).';
comment on column article_summary.orcid_author_count is 'Authors with an ORCID.';
comment on column article_summary.investigator_count is 'Investigators listed (authors where is_investigator).';
comment on column article_summary.descriptor_count is 'Distinct MeSH descriptors indexed on the article (terms.descriptor_name).';
comment on column article_summary.major_descriptor_count is 'Distinct MeSH descriptors that are a major topic, on the descriptor or on one of its qualifiers.';
comment on column article_summary.substance_count is 'Substances (chemicals) indexed on the article.';
comment on column article_summary.keyword_count is 'Author and NLM keywords of the article.';
comment on column article_summary.grant_count is 'Grants listed on the article.';
comment on column article_summary.reference_count is 'Cited references listed on the article (table "references").';
comment on column article_summary.has_abstract is 'True when the article has an abstract.';
