-- Rows of agg_article_summary for the articles in agg_pmids: their citation fields and counts
-- of their child rows.
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
    where pmid in (select pmid from agg_pmids)
    group by pmid
),

terms_per_article as (
    select
        pmid,
        count(*) as descriptor_count,
        count(*) filter (where is_major) as major_descriptor_count
    from agg_article_descriptors
    where pmid in (select pmid from agg_pmids)
    group by pmid
),

substances_per_article as (
    select pmid, count(*) as substance_count
    from substances
    where pmid in (select pmid from agg_pmids)
    group by pmid
),

publication_types_per_article as (
    select pmid, list(name order by position) as publication_types
    from publication_types
    where pmid in (select pmid from agg_pmids)
    group by pmid
),

keywords_per_article as (
    select pmid, count(*) as keyword_count
    from keywords
    where pmid in (select pmid from agg_pmids)
    group by pmid
),

grants_per_article as (
    select pmid, count(*) as grant_count
    from grants
    where pmid in (select pmid from agg_pmids)
    group by pmid
),

references_per_article as (
    select pmid, count(*) as reference_count, count(distinct ref_pmid) as referenced_pmids
    from "references"
    where pmid in (select pmid from agg_pmids)
    group by pmid
),

selected_articles as (
    select
        pmid,
        title,
        journal_title,
        journal_abbrev,
        pub_year,
        pub_date,
        language,
        doi,
        pmc_id,
        status,
        is_book,
        abstract is not null as has_abstract
    from articles
    -- found by row id, not by pmid alone: DuckDB then reads the wide columns (even `is not
    -- null` decompresses the abstract) only between the first and last of these rows, which
    -- a file's move appended together at the end; a filter on pmid reads them wherever the
    -- PMIDs are spread (for an update revising records all over the range: every abstract)
    where rowid in (select rowid from articles where pmid in (select pmid from agg_pmids))
),

final as (
    select
        selected_articles.pmid,
        selected_articles.title,
        selected_articles.journal_title,
        selected_articles.journal_abbrev,
        selected_articles.pub_year,
        selected_articles.pub_date,
        selected_articles.language,
        selected_articles.doi,
        selected_articles.pmc_id,
        selected_articles.status,
        selected_articles.is_book,
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
        coalesce(references_per_article.referenced_pmids, 0) as referenced_pmids,
        selected_articles.has_abstract
    from selected_articles
    left join authors_per_article using (pmid)
    left join terms_per_article using (pmid)
    left join substances_per_article using (pmid)
    left join publication_types_per_article using (pmid)
    left join keywords_per_article using (pmid)
    left join grants_per_article using (pmid)
    left join references_per_article using (pmid)
)

select * from final
