-- The MeSH descriptors indexed on the most articles: one row per descriptor that ranks within
-- the first $limit either among all descriptors or among those that are not check tags
-- (`check_tags`), so the page can switch check tags in and out without a new query.
with

totals as (
    select
        descriptor_name,
        count(*) as article_count,
        count(*) filter (where is_major) as major_article_count
    from article_descriptors
    group by descriptor_name
),

flagged as (
    select
        totals.*,
        check_tags.descriptor_name is not null as is_check_tag
    from totals
    left join check_tags using (descriptor_name)
),

ranked as (
    select
        *,
        row_number() over (order by article_count desc, descriptor_name) as overall_rank,
        row_number() over (
            partition by is_check_tag order by article_count desc, descriptor_name
        ) as group_rank
    from flagged
),

final as (
    select descriptor_name, article_count, major_article_count, is_check_tag
    from ranked
    where overall_rank <= $limit or (not is_check_tag and group_rank <= $limit)
    order by article_count desc, descriptor_name
)

select * from final;
