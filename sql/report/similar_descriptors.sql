-- Indexed descriptor names closest to $term, for a helpful message when $term is not indexed:
-- names containing $term (ignoring case) first, then by Jaro-Winkler similarity; at most $limit.
with

names as (
    select distinct descriptor_name from terms
),

scored as (
    select
        descriptor_name,
        contains(lower(descriptor_name), lower($term)) as contains_term,
        jaro_winkler_similarity(lower(descriptor_name), lower($term)) as similarity
    from names
),

final as (
    select descriptor_name
    from scored
    order by contains_term desc, similarity desc, descriptor_name
    limit $limit
)

select * from final;
