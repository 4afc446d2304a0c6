-- One row per article and MeSH descriptor UI it is indexed with, directly or through a
-- supplementary record's mapped headings; kept per article in agg_article_mesh_headings
-- (sql/aggregates/article_mesh_headings.sql holds the rule).
create or replace view article_mesh_headings as

with

final as (
    select pmid, descriptor_ui, is_major, via_supplementary
    from agg_article_mesh_headings
)

select * from final;

comment on view article_mesh_headings is 'One row per article and MeSH descriptor UI (grain: pmid, descriptor_ui): the descriptors an article is indexed with (article_descriptors) plus those its supplementary records (supplementary_concepts, substances with C UIs) are mapped to (mesh_headings_mapped_to). Keyed by UI, so a descriptor renamed between MeSH years is one row.';
comment on column article_mesh_headings.pmid is 'Article (articles.pmid).';
comment on column article_mesh_headings.descriptor_ui is 'MeSH descriptor UI (D......).';
comment on column article_mesh_headings.is_major is 'True when the article has the descriptor as a major topic (article_descriptors.is_major); a mapped heading alone is never major.';
comment on column article_mesh_headings.via_supplementary is 'True when the article has the descriptor only through a supplementary record''s mapped heading.';
