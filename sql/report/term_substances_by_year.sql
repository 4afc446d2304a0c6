-- Substances indexed with $term over time: one row per substance (the $limit most frequent)
-- and year, counting articles indexed with both.
with

by_year as (
    select substance_name as name, pub_year, sum(article_count)::bigint as article_count
    from substance_by_term
    where descriptor_name = $term and pub_year is not null
    group by substance_name, pub_year
),

top_substances as (
    select name, sum(article_count)::bigint as total
    from by_year
    group by name
    order by total desc, name
    limit $limit
),

final as (
    select by_year.name, by_year.pub_year, by_year.article_count, top_substances.total
    from by_year
    inner join top_substances using (name)
    order by top_substances.total desc, by_year.name, by_year.pub_year
)

select * from final;
