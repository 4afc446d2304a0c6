-- Contribution of the articles in agg_pmids to agg_author_spellings (reads agg_keyed_authors).
with

final as (
    select
        author_key,
        is_orcid,
        coalesce(last_name, collective_name) as last_name,
        initials,
        count(*) as author_rows
    from agg_keyed_authors
    group by author_key, is_orcid, coalesce(last_name, collective_name), initials
)

select * from final
