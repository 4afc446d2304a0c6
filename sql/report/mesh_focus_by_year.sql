-- Articles per publication year at or below each node of $nodes (mesh_focus_nodes.sql, from
-- mesh_node_by_year),
-- plus, for a focused $descriptor_ui, its whole subtree with every article counted once
-- (mesh_descriptor_rollup_by_year): one row per node (or subtree) and dated year. `total` sums
-- the node's dated years, for ranking.
with

nodes as (
    select
        mesh_node_by_year.tree_number,
        concat_ws(' ', mesh_node_by_year.tree_number, mesh_node_by_year.descriptor_name) as name,
        mesh_node_by_year.pub_year,
        mesh_node_by_year.article_count,
        mesh_node_by_year.major_article_count
    from mesh_node_by_year
    where
        list_contains($nodes::varchar[], mesh_node_by_year.tree_number)
        and mesh_node_by_year.pub_year is not null
),

subtree as (
    select
        null as tree_number,
        descriptor_name || ' (all its places, each article once)' as name,
        pub_year,
        article_count,
        major_article_count
    from mesh_descriptor_rollup_by_year
    where descriptor_ui = $descriptor_ui and pub_year is not null
),

final as (
    select *, sum(article_count) over (partition by name)::bigint as total
    from (select * from subtree union all select * from nodes)
    order by total desc, name, pub_year
)

select * from final;
