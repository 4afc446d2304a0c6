-- One row per MeSH descriptor and publication year: articles at or below any of its places;
-- read from agg_mesh_descriptor_years, which each file's load keeps up to date.
create or replace view mesh_descriptor_rollup_by_year as

with

final as (
    select
        agg_mesh_descriptor_years.descriptor_ui,
        mesh_descriptors.name as descriptor_name,
        agg_mesh_descriptor_years.pub_year,
        agg_mesh_descriptor_years.article_count,
        agg_mesh_descriptor_years.major_article_count
    from agg_mesh_descriptor_years
    inner join mesh_descriptors using (descriptor_ui)
    where agg_mesh_descriptor_years.article_count > 0
)

select * from final;

comment on view mesh_descriptor_rollup_by_year is 'One row per MeSH descriptor and publication year with articles (grain: descriptor_ui, pub_year): every article indexed with the descriptor or one below any of its tree numbers (directly or through a supplementary record''s mapped heading), counted once. Matched by UI, so a renamed descriptor rolls up.';
comment on column mesh_descriptor_rollup_by_year.descriptor_ui is 'Descriptor whose subtree is counted (mesh_descriptors.descriptor_ui).';
comment on column mesh_descriptor_rollup_by_year.descriptor_name is 'Its name in the loaded MeSH year.';
comment on column mesh_descriptor_rollup_by_year.pub_year is 'Publication year of the articles.';
comment on column mesh_descriptor_rollup_by_year.article_count is 'Articles indexed at or below the descriptor.';
comment on column mesh_descriptor_rollup_by_year.major_article_count is 'Articles with such a descriptor as a major topic.';
