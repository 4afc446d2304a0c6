-- The indexed MeSH descriptor whose name equals $term ignoring case: at most one row.
with

matches as (
    select descriptor_name, count(*) as row_count
    from terms
    where lower(descriptor_name) = lower($term)
    group by descriptor_name
),

final as (
    select descriptor_name
    from matches
    order by row_count desc, descriptor_name
    limit 1
)

select * from final;
