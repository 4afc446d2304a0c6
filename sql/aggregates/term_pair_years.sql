-- Contribution of the articles in agg_pmids to agg_term_pair_years: each unordered pair once.
with

descriptors as (
    select agg_article_descriptors.pmid, agg_article_descriptors.descriptor_name,
        agg_article_descriptors.is_major, agg_pmids.pub_year
    from agg_article_descriptors
    inner join agg_pmids using (pmid)
),

final as (
    select
        descriptor.descriptor_name,
        co_descriptor.descriptor_name as co_descriptor_name,
        descriptor.pub_year,
        count(*) as article_count,
        count(*) filter (where descriptor.is_major and co_descriptor.is_major)
            as both_major_article_count
    from descriptors as descriptor
    inner join descriptors as co_descriptor
        on
            descriptor.pmid = co_descriptor.pmid
            and descriptor.descriptor_name < co_descriptor.descriptor_name
    group by descriptor.descriptor_name, co_descriptor.descriptor_name, descriptor.pub_year
)

select * from final
