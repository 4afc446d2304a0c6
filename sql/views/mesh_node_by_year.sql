-- One row per MeSH tree node and publication year: articles at or below the node.
create or replace view mesh_node_by_year as

with

article_nodes as (
    select distinct
        mesh_ancestors.ancestor_tree_number as tree_number,
        article_mesh_headings.pmid,
        article_mesh_headings.is_major
    from article_mesh_headings
    inner join mesh_ancestors using (descriptor_ui)
),

final as (
    select
        article_nodes.tree_number,
        nodes.descriptor_ui,
        mesh_descriptors.name as descriptor_name,
        articles.pub_year,
        count(distinct article_nodes.pmid) as article_count,
        count(distinct article_nodes.pmid) filter (where article_nodes.is_major)
            as major_article_count
    from article_nodes
    inner join articles using (pmid)
    left join mesh_tree_numbers as nodes using (tree_number)
    left join mesh_descriptors on mesh_descriptors.descriptor_ui = nodes.descriptor_ui
    group by all
)

select * from final;

comment on view mesh_node_by_year is 'One row per MeSH tree node and publication year with articles (grain: tree_number, pub_year): every article indexed with a descriptor at or below the node (directly or through a supplementary record''s mapped heading), counted once however many of its descriptors fall there. Matched by descriptor UI, so renamed descriptors roll up.';
comment on column mesh_node_by_year.tree_number is 'Tree node (C10, C10.228.140, ...).';
comment on column mesh_node_by_year.descriptor_ui is 'Descriptor at the node; NULL when the loaded file does not hold it.';
comment on column mesh_node_by_year.descriptor_name is 'Name of that descriptor in the loaded MeSH year.';
comment on column mesh_node_by_year.pub_year is 'Publication year of the articles (articles.pub_year).';
comment on column mesh_node_by_year.article_count is 'Articles with at least one descriptor at or below the node.';
comment on column mesh_node_by_year.major_article_count is 'Articles with such a descriptor as a major topic.';
