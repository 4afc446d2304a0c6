-- Countries of affiliation with the most articles: one row per country, at most $limit, counting
-- articles with at least one author affiliation in that country. An affiliation's country is the
-- last of its last five parts (split at commas, semicolons and sentence ends; digits such as
-- postcodes dropped) that names, or ends with, a country in `country_names`. Each distinct
-- affiliation text is read once.
with

affiliation_texts as (
    select distinct affiliation
    from affiliations
    where affiliation is not null
),

split_texts as (
    select
        affiliation,
        regexp_split_to_array(affiliation, '[,;]|\.\s')[-5:] as pieces
    from affiliation_texts
),

parts as (
    select
        affiliation,
        unnest(pieces) as part,
        unnest(range(1, len(pieces) + 1)) as part_index
    from split_texts
),

cleaned as (
    select
        affiliation,
        part_index,
        string_split(
            lower(trim(regexp_replace(part, '[0-9]+(-[0-9]+)*|[()]|\.$|\s+', ' ', 'g'))), ' '
        ) as words
    from parts
),

candidates as (
    -- the whole part, else its last three, two or one words ("NJ 07103 USA", "Jiangsu China")
    select
        affiliation,
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

text_countries as (
    select
        candidates.affiliation,
        arg_max(
            country_names.country, candidates.part_index * 10 + candidates.specificity
        ) as country
    from candidates
    inner join country_names on candidates.name = country_names.name
    group by candidates.affiliation
),

final as (
    select text_countries.country, count(distinct affiliations.pmid) as article_count
    from affiliations
    inner join text_countries using (affiliation)
    group by text_countries.country
    order by article_count desc, text_countries.country
    limit $limit
)

select * from final;
