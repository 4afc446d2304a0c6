-- Invariant: every child row belongs to an article (and every affiliation to an author).
-- Violations: one row per table and orphaned PMID.
with
children as (
    select 'abstract_sections' as table_name, pmid from abstract_sections
    union all
    select 'authors', pmid from authors
    union all
    select 'terms', pmid from terms
    union all
    select 'supplementary_concepts', pmid from supplementary_concepts
    union all
    select 'substances', pmid from substances
    union all
    select 'publication_types', pmid from publication_types
    union all
    select 'keywords', pmid from keywords
    union all
    select 'grants', pmid from grants
    union all
    select 'article_ids', pmid from article_ids
    union all
    select 'references', pmid from "references"
    union all
    select 'comments_corrections', pmid from comments_corrections
    union all
    select 'history_dates', pmid from history_dates
),

orphans as (
    select table_name, pmid, count(*) as orphan_rows
    from children
    where pmid not in (select pmid from articles)
    group by all
),

orphan_affiliations as (
    select 'affiliations' as table_name, f.pmid, count(*) as orphan_rows
    from affiliations as f
    anti join authors as a
        on f.pmid = a.pmid and f.author_position = a.position
    group by all
),

final as (
    select * from orphans
    union all
    select * from orphan_affiliations
)

select * from final order by table_name, pmid
