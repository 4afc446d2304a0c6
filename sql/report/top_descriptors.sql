-- The MeSH descriptors indexed on the most articles: one row per descriptor, at most $limit.
with

totals as (
    select
        descriptor_name,
        sum(article_count)::bigint as article_count,
        sum(major_article_count)::bigint as major_article_count
    from term_by_year
    group by descriptor_name
),

final as (
    select *
    from totals
    order by article_count desc, descriptor_name
    limit $limit
)

select * from final;
