-- The journals with the most articles: one row per journal (NLM unique ID, else its
-- abbreviation or title), at most $limit.
with

keyed as (
    select
        coalesce(nlm_unique_id, journal_abbrev, journal_title) as journal_key,
        journal_abbrev,
        journal_title
    from articles
    where coalesce(nlm_unique_id, journal_abbrev, journal_title) is not null
),

final as (
    select
        coalesce(mode(journal_abbrev), mode(journal_title)) as journal,
        mode(journal_title) as journal_title,
        count(*) as article_count
    from keyed
    group by journal_key
    order by article_count desc, journal
    limit $limit
)

select * from final;
