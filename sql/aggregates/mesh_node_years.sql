-- Contribution of the articles in agg_pmids to agg_mesh_node_years: each article once under
-- every tree node at or above one of its headings.
with

article_nodes as (
    select
        mesh_ancestors.ancestor_tree_number as tree_number,
        agg_article_mesh_headings.pmid,
        bool_or(agg_article_mesh_headings.is_major) as is_major
    from agg_article_mesh_headings
    inner join mesh_ancestors using (descriptor_ui)
    where agg_article_mesh_headings.pmid in (select pmid from agg_pmids)
    group by mesh_ancestors.ancestor_tree_number, agg_article_mesh_headings.pmid
),

final as (
    select
        article_nodes.tree_number,
        agg_pmids.pub_year,
        count(*) as article_count,
        count(*) filter (where article_nodes.is_major) as major_article_count
    from article_nodes
    inner join agg_pmids using (pmid)
    group by article_nodes.tree_number, agg_pmids.pub_year
)

select * from final
