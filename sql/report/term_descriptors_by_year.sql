-- Descriptors co-occurring with $term over time: one row per co-descriptor and year, counting
-- articles indexed with both; only co-descriptors that rank within the first $limit among all
-- of them or among those that are not check tags (`check_tags`), so the page can switch check
-- tags in and out.
with

term_articles as (
    select article_descriptors.pmid, articles.pub_year
    from article_descriptors
    inner join articles using (pmid)
    where article_descriptors.descriptor_name = $term and articles.pub_year is not null
),

co_descriptors as (
    select term_articles.pmid, term_articles.pub_year, article_descriptors.descriptor_name
    from term_articles
    inner join article_descriptors using (pmid)
    where article_descriptors.descriptor_name != $term
),

totals as (
    select
        co_descriptors.descriptor_name,
        count(*) as total,
        any_value(check_tags.descriptor_name) is not null as is_check_tag
    from co_descriptors
    left join check_tags using (descriptor_name)
    group by co_descriptors.descriptor_name
),

ranked as (
    select
        *,
        row_number() over (order by total desc, descriptor_name) as overall_rank,
        row_number() over (partition by is_check_tag order by total desc, descriptor_name)
            as group_rank
    from totals
),

final as (
    select
        co_descriptors.descriptor_name as name,
        co_descriptors.pub_year,
        count(*) as article_count,
        any_value(ranked.total) as total,
        any_value(ranked.is_check_tag) as is_check_tag
    from co_descriptors
    inner join ranked using (descriptor_name)
    where ranked.overall_rank <= $limit or (not ranked.is_check_tag and ranked.group_rank <= $limit)
    group by co_descriptors.descriptor_name, co_descriptors.pub_year
    order by total desc, name, co_descriptors.pub_year
)

select * from final;
