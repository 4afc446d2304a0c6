-- Citations within the warehouse by the publication year of the citing articles
-- (citations_by_year): one row per dated citing year, with the articles cited that year.
with

final as (
    select
        citing_pub_year as pub_year,
        sum(times_cited)::bigint as citation_count,
        count(*) as cited_articles
    from citations_by_year
    where citing_pub_year is not null
    group by citing_pub_year
    order by citing_pub_year
)

select * from final;
