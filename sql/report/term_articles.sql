-- Articles indexed with the descriptor $term, newest first: one row per article, at most $limit
-- (with the first author, the DOI and whether $term is a major topic of the article).
with

term_articles as (
    select pmid, is_major
    from article_descriptors
    where descriptor_name = $term
),

first_authors as (
    select
        pmid,
        coalesce(last_name || ' ' || initials, last_name, collective_name) as first_author
    from authors
    where position = 1 and not is_investigator
),

final as (
    select
        articles.pmid,
        articles.pub_year,
        articles.title,
        coalesce(articles.journal_abbrev, articles.journal_title) as journal,
        first_authors.first_author,
        articles.doi,
        term_articles.is_major
    from term_articles
    inner join articles using (pmid)
    left join first_authors using (pmid)
    order by articles.pub_year desc nulls last, articles.pmid desc
    limit $limit
)

select * from final;
