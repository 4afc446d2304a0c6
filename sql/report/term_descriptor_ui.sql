-- The loaded MeSH descriptor the report's $term names: at most one row, matched by the UI its
-- articles carry, else by name in the loaded MeSH year (so a renamed descriptor is found).
with

by_ui as (
    select distinct mesh_descriptors.descriptor_ui, 1 as preference
    from article_descriptors
    inner join mesh_descriptors using (descriptor_ui)
    where article_descriptors.descriptor_name = $term
),

by_name as (
    select descriptor_ui, 2 as preference
    from mesh_descriptors
    where name = $term
),

final as (
    select descriptor_ui
    from (select * from by_ui union all select * from by_name)
    order by preference, descriptor_ui
    limit 1
)

select * from final;
