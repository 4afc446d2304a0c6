-- Descriptor names closest to $term, for a helpful message when $term is not indexed.
with

names as (
    select distinct descriptor_name from terms
),

final as (
    select descriptor_name
    from names
    order by jaro_winkler_similarity(lower(descriptor_name), lower($term)) desc, descriptor_name
    limit 3
)

select * from final;
