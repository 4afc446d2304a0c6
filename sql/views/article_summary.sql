-- One row per article: the article's citation fields with counts of its child rows.
create or replace view article_summary as

with

authors_per_article as (
    select
        pmid,
        count(*) filter (where not is_investigator) as author_count,
        count(*) filter (where not is_investigator and orcid is not null) as orcid_author_count,
        count(*) filter (where is_investigator) as investigator_count,
        arg_min(
            coalesce(last_name || ' ' || initials, last_name, collective_name), position
        ) filter (where not is_investigator) as first_author
    from authors
    group by pmid
),

terms_per_article as (
    select
        pmid,
        count(distinct descriptor_name) as descriptor_count,
        count(distinct descriptor_name) filter (
            where descriptor_major or coalesce(qualifier_major, false)
        ) as major_descriptor_count
    from terms
    group by pmid
),

substances_per_article as (
    select pmid, count(*) as substance_count
    from substances
    group by pmid
),

publication_types_per_article as (
    select pmid, list(name order by position) as publication_types
    from publication_types
    group by pmid
),

keywords_per_article as (
    select pmid, count(*) as keyword_count
    from keywords
    group by pmid
),

grants_per_article as (
    select pmid, count(*) as grant_count
    from grants
    group by pmid
),

references_per_article as (
    select pmid, count(*) as reference_count
    from "references"
    group by pmid
),

final as (
    select
        articles.pmid,
        articles.title,
        articles.journal_title,
        articles.journal_abbrev,
        articles.pub_year,
        articles.pub_date,
        articles.language,
        articles.doi,
        articles.pmc_id,
        articles.status,
        articles.is_book,
        coalesce(publication_types_per_article.publication_types, []) as publication_types,
        authors_per_article.first_author,
        coalesce(authors_per_article.author_count, 0) as author_count,
        coalesce(authors_per_article.orcid_author_count, 0) as orcid_author_count,
        coalesce(authors_per_article.investigator_count, 0) as investigator_count,
        coalesce(terms_per_article.descriptor_count, 0) as descriptor_count,
        coalesce(terms_per_article.major_descriptor_count, 0) as major_descriptor_count,
        coalesce(substances_per_article.substance_count, 0) as substance_count,
        coalesce(keywords_per_article.keyword_count, 0) as keyword_count,
        coalesce(grants_per_article.grant_count, 0) as grant_count,
        coalesce(references_per_article.reference_count, 0) as reference_count,
        articles.abstract is not null as has_abstract
    from articles
    left join authors_per_article using (pmid)
    left join terms_per_article using (pmid)
    left join substances_per_article using (pmid)
    left join publication_types_per_article using (pmid)
    left join keywords_per_article using (pmid)
    left join grants_per_article using (pmid)
    left join references_per_article using (pmid)
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
