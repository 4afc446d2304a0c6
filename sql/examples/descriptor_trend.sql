-- How has indexing with a MeSH descriptor changed by publication year?
-- One row per year with articles indexed with the descriptor; change it in `params`.
with

params as (
    select 'Lung Neoplasms' as descriptor_name
),

articles_per_year as (
    select pub_year, count(*) as year_article_count
    from articles
    group by pub_year
),

final as (
    select
        term_by_year.pub_year,
        term_by_year.article_count,
        term_by_year.major_article_count,
        articles_per_year.year_article_count
    from term_by_year
    inner join params using (descriptor_name)
    inner join articles_per_year using (pub_year)
    order by term_by_year.pub_year
)

select * from final;
