-- Countries of affiliation with the most articles: one row per country, at most $limit.
-- An affiliation's country is the last of its parts (split at commas, semicolons and sentence
-- ends; digits such as postcodes dropped) that names a country in `country_names`.
with

parts as (
    select
        pmid,
        author_position,
        position,
        unnest(pieces) as part,
        unnest(range(1, len(pieces) + 1)) as part_index
    from (
        select
            pmid,
            author_position,
            position,
            regexp_split_to_array(affiliation, '[,;]|\.\s') as pieces
        from affiliations
        where affiliation is not null
    )
),

cleaned as (
    select
        pmid,
        author_position,
        position,
        part_index,
        lower(trim(regexp_replace(trim(part), '[0-9]+(-[0-9]+)*|[()]|\.$', '', 'g'))) as name
    from parts
),

matched as (
    select
        cleaned.pmid,
        arg_max(country_names.country, cleaned.part_index) as country
    from cleaned
    inner join country_names on cleaned.name = country_names.name
    group by cleaned.pmid, cleaned.author_position, cleaned.position
),

final as (
    select country, count(distinct pmid) as article_count
    from matched
    group by country
    order by article_count desc, country
    limit $limit
)

select * from final;
