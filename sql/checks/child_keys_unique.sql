-- Invariant: each child row is unique on its key (PMID and position, or its natural key).
-- Violations: one row per repeated key, with the table it is repeated in.
with
keys as (
    select 'abstract_sections' as table_name, pmid, position::varchar as child_key
    from abstract_sections
    union all
    select 'authors', pmid, position::varchar from authors
    union all
    select 'affiliations', pmid, author_position || '/' || position from affiliations
    union all
    select 'terms', pmid, heading_position || '/' || coalesce(qualifier_name, '')
    from terms
    union all
    select 'supplementary_concepts', pmid, position::varchar from supplementary_concepts
    union all
    select 'substances', pmid, position::varchar from substances
    union all
    select 'publication_types', pmid, position::varchar from publication_types
    union all
    select 'keywords', pmid, position::varchar from keywords
    union all
    select 'grants', pmid, position::varchar from grants
    union all
    select 'article_ids', pmid, id_type || '/' || id_value from article_ids
    union all
    select 'references', pmid, position::varchar from "references"
    union all
    select 'comments_corrections', pmid, position::varchar from comments_corrections
),

final as (
    select table_name, pmid, child_key, count(*) as copies
    from keys
    group by all
    having count(*) > 1
)

select * from final order by table_name, pmid, child_key
