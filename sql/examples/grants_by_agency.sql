-- Which agencies fund research on a topic (a MeSH descriptor)?
-- One row per agency and country; change the descriptor in `params`.
with

params as (
    select 'Lung Neoplasms' as descriptor_name
),

topic_articles as (
    select article_descriptors.pmid
    from article_descriptors
    inner join params using (descriptor_name)
),

final as (
    select
        grants.agency,
        grants.country,
        count(*) as grant_count,
        count(distinct grants.pmid) as article_count
    from grants
    inner join topic_articles using (pmid)
    group by grants.agency, grants.country
    order by grant_count desc, grants.agency, grants.country
)

select * from final;
