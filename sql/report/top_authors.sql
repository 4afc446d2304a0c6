-- The authors with the most articles: one row per author key (ORCID where present, else last
-- name and initials; see the `author_summary` view), at most $limit.
with

final as (
    select
        author_key,
        orcid,
        coalesce(last_name || ' ' || initials, last_name, author_key) as author_name,
        article_count,
        first_author_count,
        last_author_count,
        first_year,
        last_year
    from author_summary
    order by article_count desc, author_name, author_key
    limit $limit
)

select * from final;
