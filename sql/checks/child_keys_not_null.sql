-- Invariant: no child row lacks its PMID or position.
-- Violations: one row per table with rows whose key columns are NULL.
with
missing as (
    select 'abstract_sections' as table_name, count(*) as rows_without_key
    from abstract_sections where pmid is null or position is null
    union all
    select 'authors', count(*) from authors where pmid is null or position is null
    union all
    select 'affiliations', count(*) from affiliations
    where pmid is null or author_position is null or position is null
    union all
    select 'terms', count(*) from terms where pmid is null or heading_position is null
    union all
    select 'supplementary_concepts', count(*) from supplementary_concepts
    where pmid is null or position is null
    union all
    select 'substances', count(*) from substances where pmid is null or position is null
    union all
    select 'publication_types', count(*) from publication_types
    where pmid is null or position is null
    union all
    select 'keywords', count(*) from keywords where pmid is null or position is null
    union all
    select 'grants', count(*) from grants where pmid is null or position is null
    union all
    select 'article_ids', count(*) from article_ids
    where pmid is null or id_type is null or id_value is null
    union all
    select 'references', count(*) from "references" where pmid is null or position is null
    union all
    select 'comments_corrections', count(*) from comments_corrections
    where pmid is null or position is null
    union all
    select 'history_dates', count(*) from history_dates where pmid is null
),

final as (
    select * from missing where rows_without_key > 0
)

select * from final
