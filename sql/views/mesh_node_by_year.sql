-- One row per MeSH tree node and publication year: articles at or below the node; read from
-- agg_mesh_node_years, which each file's load keeps up to date.
create or replace view mesh_node_by_year as

with

final as (
    select
        agg_mesh_node_years.tree_number,
        nodes.descriptor_ui,
        mesh_descriptors.name as descriptor_name,
        agg_mesh_node_years.pub_year,
        agg_mesh_node_years.article_count,
        agg_mesh_node_years.major_article_count
    from agg_mesh_node_years
    left join mesh_tree_numbers as nodes using (tree_number)
    left join mesh_descriptors on mesh_descriptors.descriptor_ui = nodes.descriptor_ui
    where agg_mesh_node_years.article_count > 0
)

select * from final;

comment on view mesh_node_by_year is 'One row per MeSH tree node and publication year with articles (grain: tree_number, pub_year): every article indexed with a descriptor at or below the node (directly or through a supplementary record''s mapped heading), counted once however many of its descriptors fall there. Matched by descriptor UI, so renamed descriptors roll up.';
comment on column mesh_node_by_year.tree_number is 'Tree node (C10, C10.228.140, ...).';
comment on column mesh_node_by_year.descriptor_ui is 'Descriptor at the node; NULL when the loaded file does not hold it.';
comment on column mesh_node_by_year.descriptor_name is 'Name of that descriptor in the loaded MeSH year.';
comment on column mesh_node_by_year.pub_year is 'Publication year of the articles (articles.pub_year).';
comment on column mesh_node_by_year.article_count is 'Articles with at least one descriptor at or below the node.';
comment on column mesh_node_by_year.major_article_count is 'Articles with such a descriptor as a major topic.';
