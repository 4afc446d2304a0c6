-- One row per tree number of a MeSH descriptor.
create table if not exists mesh_tree_numbers (
    tree_number varchar primary key,
    descriptor_ui varchar not null,
    parent_tree_number varchar,
    depth integer not null
);

comment on table mesh_tree_numbers is 'One row per MeSH tree number (grain: tree_number): where a descriptor sits in the hierarchy; a descriptor has one row per place. Parent: mesh_descriptors.descriptor_ui.';
comment on column mesh_tree_numbers.tree_number is 'Tree number, e.g. C10.228.140.490.';
comment on column mesh_tree_numbers.descriptor_ui is 'Descriptor at this place (mesh_descriptors.descriptor_ui).';
comment on column mesh_tree_numbers.parent_tree_number is 'Tree number one level up (the part before the last dot); NULL for a top node (C10). It may be absent from the table when the loaded file is partial.';
comment on column mesh_tree_numbers.depth is 'Levels from the category: 1 for C10, 2 for C10.228, ...';
