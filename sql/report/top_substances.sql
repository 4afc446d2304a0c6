-- The substances indexed on the most articles: one row per substance, at most $limit.
with

totals as (
    select name as substance_name, count(distinct pmid) as article_count
    from substances
    group by name
),

final as (
    select *
    from totals
    order by article_count desc, substance_name
    limit $limit
)

select * from final;
