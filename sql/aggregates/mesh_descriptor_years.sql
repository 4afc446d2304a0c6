-- Contribution of the articles in agg_pmids to agg_mesh_descriptor_years: each article once
-- under every descriptor it is indexed with or that sits above one of its headings at any of
-- the descriptor's tree numbers.
with

below as (
    select distinct ancestor_descriptor_ui as node_ui, descriptor_ui
    from mesh_ancestors
    where ancestor_descriptor_ui is not null
    union
    select descriptor_ui as node_ui, descriptor_ui from mesh_descriptors
),

article_nodes as (
    select
        below.node_ui as descriptor_ui,
        agg_article_mesh_headings.pmid,
        bool_or(agg_article_mesh_headings.is_major) as is_major
    from agg_article_mesh_headings
    inner join below using (descriptor_ui)
    where agg_article_mesh_headings.pmid in (select pmid from agg_pmids)
    group by below.node_ui, agg_article_mesh_headings.pmid
),

final as (
    select
        article_nodes.descriptor_ui,
        agg_pmids.pub_year,
        count(*) as article_count,
        count(*) filter (where article_nodes.is_major) as major_article_count
    from article_nodes
    inner join agg_pmids using (pmid)
    group by article_nodes.descriptor_ui, agg_pmids.pub_year
)

select * from final
