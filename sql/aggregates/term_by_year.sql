-- Contribution of the articles in agg_pmids to agg_term_by_year.
with

final as (
    select
        agg_article_descriptors.descriptor_name,
        agg_pmids.pub_year,
        count(*) as article_count,
        count(*) filter (where agg_article_descriptors.is_major) as major_article_count
    from agg_article_descriptors
    inner join agg_pmids using (pmid)
    group by agg_article_descriptors.descriptor_name, agg_pmids.pub_year
)

select * from final
