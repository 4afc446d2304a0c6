-- The largest MeSH subtrees one level below the nodes of $nodes (mesh_focus_nodes.sql): one row
-- per child node with its articles over all years (mesh_node_by_year; an article has one year,
-- so the sum counts it once), at most $limit, largest first.
with

children as (
    select
        mesh_node_by_year.tree_number,
        any_value(mesh_node_by_year.descriptor_name) as descriptor_name,
        sum(mesh_node_by_year.article_count)::bigint as article_count,
        sum(mesh_node_by_year.major_article_count)::bigint as major_article_count,
        min(mesh_node_by_year.pub_year) as first_year,
        max(mesh_node_by_year.pub_year) as last_year
    from mesh_node_by_year
    where list_contains($nodes::varchar[], regexp_extract(tree_number, '^(.+)\.[^.]+$', 1))
    group by mesh_node_by_year.tree_number
),

final as (
    select *
    from children
    order by article_count desc, tree_number
    limit $limit
)

select * from final;
