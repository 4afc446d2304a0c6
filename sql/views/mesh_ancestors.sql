-- One row per MeSH tree number and each tree node at or above it.
create or replace view mesh_ancestors as

with

paths as (
    select
        tree_number,
        descriptor_ui,
        string_split(tree_number, '.') as parts
    from mesh_tree_numbers
),

levels as (
    select
        tree_number,
        descriptor_ui,
        len(parts) as depth,
        unnest(range(1, len(parts) + 1)) as ancestor_depth,
        parts
    from paths
),

final as (
    select
        array_to_string(levels.parts[1:levels.ancestor_depth], '.') as ancestor_tree_number,
        nodes.descriptor_ui as ancestor_descriptor_ui,
        levels.tree_number,
        levels.descriptor_ui,
        levels.depth - levels.ancestor_depth as levels_below
    from levels
    left join mesh_tree_numbers as nodes
        on nodes.tree_number = array_to_string(levels.parts[1:levels.ancestor_depth], '.')
)

select * from final;

comment on view mesh_ancestors is 'One row per MeSH tree number and each node at or above it, itself included (grain: ancestor_tree_number, tree_number): the closure of the loaded tree. An ancestor that the loaded file lacks keeps its tree number with a NULL descriptor.';
comment on column mesh_ancestors.ancestor_tree_number is 'Tree node at or above tree_number (C10, C10.228, ...).';
comment on column mesh_ancestors.ancestor_descriptor_ui is 'Descriptor at ancestor_tree_number; NULL when the loaded file does not hold that node.';
comment on column mesh_ancestors.tree_number is 'Tree number of a descriptor (mesh_tree_numbers.tree_number).';
comment on column mesh_ancestors.descriptor_ui is 'Descriptor at tree_number.';
comment on column mesh_ancestors.levels_below is '0 for the node itself, 1 for a child, 2 for a grandchild, ...';
