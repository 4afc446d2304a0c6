-- One row per article and MeSH descriptor UI it is indexed with, directly or through a
-- supplementary record's mapped headings.
create or replace view article_mesh_headings as

with

direct as (
    select pmid, descriptor_ui, is_major, false as via_supplementary
    from article_descriptors
    where descriptor_ui is not null
),

article_records as (
    select pmid, concept_ui as record_ui from supplementary_concepts where concept_ui like 'C%'
    union
    select pmid, substance_ui as record_ui from substances where substance_ui like 'C%'
),

mapped as (
    select article_records.pmid, mesh_headings_mapped_to.descriptor_ui,
        false as is_major, true as via_supplementary
    from article_records
    inner join mesh_headings_mapped_to using (record_ui)
),

final as (
    select
        pmid,
        descriptor_ui,
        bool_or(is_major) as is_major,
        bool_and(via_supplementary) as via_supplementary
    from (select * from direct union all select * from mapped)
    group by pmid, descriptor_ui
)

select * from final;

comment on view article_mesh_headings is 'One row per article and MeSH descriptor UI (grain: pmid, descriptor_ui): the descriptors an article is indexed with (article_descriptors) plus those its supplementary records (supplementary_concepts, substances with C UIs) are mapped to (mesh_headings_mapped_to). Keyed by UI, so a descriptor renamed between MeSH years is one row.';
comment on column article_mesh_headings.pmid is 'Article (articles.pmid).';
comment on column article_mesh_headings.descriptor_ui is 'MeSH descriptor UI (D......).';
comment on column article_mesh_headings.is_major is 'True when the article has the descriptor as a major topic (article_descriptors.is_major); a mapped heading alone is never major.';
comment on column article_mesh_headings.via_supplementary is 'True when the article has the descriptor only through a supplementary record''s mapped heading.';
