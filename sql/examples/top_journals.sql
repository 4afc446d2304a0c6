-- Which journals publish most on a topic (a MeSH descriptor)?
-- One row per journal; change the descriptor in `params`.
with

params as (
    select 'Protein Binding' as descriptor_name
),

topic_articles as (
    select article_descriptors.pmid
    from article_descriptors
    inner join params using (descriptor_name)
),

final as (
    select
        articles.journal_abbrev,
        any_value(articles.journal_title) as journal_title,
        count(*) as article_count,
        min(articles.pub_year) as first_year,
        max(articles.pub_year) as last_year
    from articles
    inner join topic_articles using (pmid)
    group by articles.journal_abbrev
    order by article_count desc, articles.journal_abbrev
)

select * from final;
