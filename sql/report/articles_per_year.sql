-- Articles per publication year (dated articles only): one row per year.
with

final as (
    select pub_year, count(*) as article_count
    from articles
    where pub_year is not null
    group by pub_year
    order by pub_year
)

select * from final;
