-- Contribution of the articles in agg_pmids to agg_author_years (reads agg_keyed_authors).
with

per_article as (
    select
        author_key,
        is_orcid,
        pmid,
        bool_or(position = 1) as is_first_author,
        bool_or(is_last_author) as is_last_author
    from agg_keyed_authors
    group by author_key, is_orcid, pmid
),

final as (
    select
        per_article.author_key,
        per_article.is_orcid,
        agg_pmids.pub_year,
        count(*) as article_count,
        count(*) filter (where per_article.is_first_author) as first_author_count,
        count(*) filter (where per_article.is_last_author) as last_author_count
    from per_article
    inner join agg_pmids using (pmid)
    group by per_article.author_key, per_article.is_orcid, agg_pmids.pub_year
)

select * from final
