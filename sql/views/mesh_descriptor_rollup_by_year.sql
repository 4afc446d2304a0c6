-- One row per MeSH descriptor and publication year: articles at or below any of its places.
create or replace view mesh_descriptor_rollup_by_year as

with

below as (
    select distinct ancestor_descriptor_ui as node_ui, descriptor_ui
    from mesh_ancestors
    where ancestor_descriptor_ui is not null
    union
    select descriptor_ui as node_ui, descriptor_ui from mesh_descriptors
),

article_nodes as (
    select distinct below.node_ui, article_mesh_headings.pmid, article_mesh_headings.is_major
    from article_mesh_headings
    inner join below using (descriptor_ui)
),

final as (
    select
        article_nodes.node_ui as descriptor_ui,
        mesh_descriptors.name as descriptor_name,
        articles.pub_year,
        count(distinct article_nodes.pmid) as article_count,
        count(distinct article_nodes.pmid) filter (where article_nodes.is_major)
            as major_article_count
    from article_nodes
    inner join articles using (pmid)
    inner join mesh_descriptors on mesh_descriptors.descriptor_ui = article_nodes.node_ui
    group by all
)

select * from final;

comment on view mesh_descriptor_rollup_by_year is 'One row per MeSH descriptor and publication year with articles (grain: descriptor_ui, pub_year): every article indexed with the descriptor or one below any of its tree numbers (directly or through a supplementary record''s mapped heading), counted once. Matched by UI, so a renamed descriptor rolls up.';
comment on column mesh_descriptor_rollup_by_year.descriptor_ui is 'Descriptor whose subtree is counted (mesh_descriptors.descriptor_ui).';
comment on column mesh_descriptor_rollup_by_year.descriptor_name is 'Its name in the loaded MeSH year.';
comment on column mesh_descriptor_rollup_by_year.pub_year is 'Publication year of the articles.';
comment on column mesh_descriptor_rollup_by_year.article_count is 'Articles indexed at or below the descriptor.';
comment on column mesh_descriptor_rollup_by_year.major_article_count is 'Articles with such a descriptor as a major topic.';
