-- The descriptor $term against all articles: one row per publication year holding any dated
-- article (articles indexed with $term, as major topic, all articles, and their share).
with

all_years as (
    select pub_year, count(*) as all_articles
    from articles
    where pub_year is not null
    group by pub_year
),

term_years as (
    select
        articles.pub_year,
        count(*) as term_articles,
        count(*) filter (where article_descriptors.is_major) as major_articles
    from article_descriptors
    inner join articles using (pmid)
    where article_descriptors.descriptor_name = $term and articles.pub_year is not null
    group by articles.pub_year
),

final as (
    select
        all_years.pub_year,
        coalesce(term_years.term_articles, 0) as term_articles,
        coalesce(term_years.major_articles, 0) as major_articles,
        all_years.all_articles,
        coalesce(term_years.term_articles, 0) / all_years.all_articles as term_share
    from all_years
    left join term_years using (pub_year)
    order by all_years.pub_year
)

select * from final;
