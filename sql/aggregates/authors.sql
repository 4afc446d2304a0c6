-- Rows of agg_authors for the keys in temp table agg_touched, rolled up from agg_author_years
-- and agg_author_spellings. Most frequent spelling: most author rows, on a tie the first in
-- sort order.
with

years as (
    select
        author_key,
        is_orcid,
        sum(article_count)::bigint as article_count,
        sum(first_author_count)::bigint as first_author_count,
        sum(last_author_count)::bigint as last_author_count,
        min(pub_year) filter (where article_count > 0) as first_year,
        max(pub_year) filter (where article_count > 0) as last_year
    from agg_author_years
    semi join agg_touched using (author_key, is_orcid)
    group by author_key, is_orcid
),

spellings as (
    select agg_author_spellings.*
    from agg_author_spellings
    semi join agg_touched using (author_key, is_orcid)
    where author_rows > 0
),

last_names as (
    select author_key, is_orcid, last_name, sum(author_rows) as author_rows
    from spellings
    where last_name is not null
    group by author_key, is_orcid, last_name
),

initials as (
    select author_key, is_orcid, initials, sum(author_rows) as author_rows
    from spellings
    where initials is not null
    group by author_key, is_orcid, initials
),

last_name_modes as (
    select author_key, is_orcid, first(last_name order by author_rows desc, last_name) as last_name
    from last_names
    group by author_key, is_orcid
),

initials_modes as (
    select author_key, is_orcid, first(initials order by author_rows desc, initials) as initials
    from initials
    group by author_key, is_orcid
),

final as (
    select
        years.author_key,
        years.is_orcid,
        last_name_modes.last_name,
        initials_modes.initials,
        years.article_count,
        years.first_author_count,
        years.last_author_count,
        years.first_year,
        years.last_year
    from years
    left join last_name_modes using (author_key, is_orcid)
    left join initials_modes using (author_key, is_orcid)
)

select * from final
