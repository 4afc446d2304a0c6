-- Rows of agg_term_pairs for the pairs in temp table agg_touched, rolled up from
-- agg_term_pair_years (years of zero rows left out of first and last year).
with

years as (
    select agg_term_pair_years.*
    from agg_term_pair_years
    semi join agg_touched using (descriptor_name, co_descriptor_name)
),

final as (
    select
        descriptor_name,
        co_descriptor_name,
        sum(article_count)::bigint as article_count,
        sum(both_major_article_count)::bigint as both_major_article_count,
        min(pub_year) filter (where article_count > 0) as first_year,
        max(pub_year) filter (where article_count > 0) as last_year
    from years
    group by descriptor_name, co_descriptor_name
)

select * from final
