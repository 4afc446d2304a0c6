-- Contribution of the articles in agg_pmids to agg_substance_by_term.
with

substance_per_article as (
    select distinct pmid, name as substance_name
    from substances
    where pmid in (select pmid from agg_pmids)
),

final as (
    select
        agg_article_descriptors.descriptor_name,
        substance_per_article.substance_name,
        agg_pmids.pub_year,
        count(*) as article_count
    from agg_article_descriptors
    inner join substance_per_article using (pmid)
    inner join agg_pmids using (pmid)
    group by
        agg_article_descriptors.descriptor_name,
        substance_per_article.substance_name,
        agg_pmids.pub_year
)

select * from final
