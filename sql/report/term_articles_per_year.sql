-- Articles indexed with the descriptor $term, per publication year: one row per year.
with

final as (
    select pub_year, article_count, major_article_count
    from term_by_year
    where descriptor_name = $term and pub_year is not null
    order by pub_year
)

select * from final;
