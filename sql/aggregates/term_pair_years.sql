-- Contribution of the articles in agg_pmids to agg_term_pair_years: each unordered pair once.
-- Pairs are formed and counted on the descriptors' ranks among the batch's names (integers
-- join and group faster than names); the names are put back on the counted rows.
with

descriptors as (
    select agg_article_descriptors.pmid, agg_article_descriptors.descriptor_name,
        agg_article_descriptors.is_major, agg_pmids.pub_year
    from agg_article_descriptors
    inner join agg_pmids using (pmid)
),

names as (
    select descriptor_name, row_number() over (order by descriptor_name) as name_rank
    from (select distinct descriptor_name from descriptors)
),

ranked as (
    select descriptors.pmid, names.name_rank, descriptors.is_major, descriptors.pub_year
    from descriptors
    inner join names using (descriptor_name)
),

pairs as (
    select
        descriptor.name_rank,
        co_descriptor.name_rank as co_name_rank,
        descriptor.pub_year,
        count(*) as article_count,
        count(*) filter (where descriptor.is_major and co_descriptor.is_major)
            as both_major_article_count
    from ranked as descriptor
    inner join ranked as co_descriptor
        on
            descriptor.pmid = co_descriptor.pmid
            and descriptor.name_rank < co_descriptor.name_rank
    group by descriptor.name_rank, co_descriptor.name_rank, descriptor.pub_year
),

final as (
    select
        descriptor.descriptor_name,
        co_descriptor.descriptor_name as co_descriptor_name,
        pairs.pub_year,
        pairs.article_count,
        pairs.both_major_article_count
    from pairs
    inner join names as descriptor on pairs.name_rank = descriptor.name_rank
    inner join names as co_descriptor on pairs.co_name_rank = co_descriptor.name_rank
)

select * from final
