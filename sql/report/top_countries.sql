-- Countries of affiliation with the most articles: one row per country, at most $limit.
-- An affiliation's country is the last of its parts (split at commas, semicolons and sentence
-- ends; digits such as postcodes dropped) that names, or ends with, a country in
-- `country_names`.
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
        string_split(
            lower(trim(regexp_replace(part, '[0-9]+(-[0-9]+)*|[()]|\.$|\s+', ' ', 'g'))), ' '
        ) as words
    from parts
),

candidates as (
    -- the whole part, else its last three, two or one words ("NJ 07103 USA", "Jiangsu China")
    select
        pmid,
        author_position,
        position,
        part_index,
        unnest([
            array_to_string(words, ' '),
            array_to_string(words[-3:], ' '),
            array_to_string(words[-2:], ' '),
            array_to_string(words[-1:], ' ')
        ]) as name,
        unnest([4, 3, 2, 1]) as specificity
    from cleaned
),

matched as (
    select
        candidates.pmid,
        arg_max(
            country_names.country, candidates.part_index * 10 + candidates.specificity
        ) as country
    from candidates
    inner join country_names on candidates.name = country_names.name
    group by candidates.pmid, candidates.author_position, candidates.position
),

final as (
    select country, count(distinct pmid) as article_count
    from matched
    group by country
    order by article_count desc, country
    limit $limit
)

select * from final;
