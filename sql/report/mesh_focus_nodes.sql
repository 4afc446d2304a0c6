-- The MeSH tree nodes the report's MeSH section charts: one row per node. With $descriptor_ui
-- NULL, the tops of the trees (C04, C10, ... from mesh_ancestors, so a partial file's missing
-- tops count too); otherwise the places (tree numbers) of that descriptor. The other MeSH
-- queries take these as the list $nodes, a filter DuckDB pushes into the roll-up views.
with

tops as (
    select distinct ancestor_tree_number as tree_number
    from mesh_ancestors
    where $descriptor_ui is null and ancestor_tree_number not like '%.%'
),

places as (
    select tree_number
    from mesh_tree_numbers
    where descriptor_ui = $descriptor_ui
),

final as (
    select tree_number from tops
    union
    select tree_number from places
    order by tree_number
)

select * from final;
