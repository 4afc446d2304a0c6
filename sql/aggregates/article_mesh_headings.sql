-- Rows of agg_article_mesh_headings for the articles in agg_pmids: the descriptor UIs each is
-- indexed with (the UI its own terms rows carry, major as article_descriptors folds it) plus
-- those its supplementary records (supplementary_concepts, substances with C UIs) are mapped to
-- (mesh_headings_mapped_to). The one place this rule lives.
with

descriptor_uis as (
    select pmid, descriptor_name, min(descriptor_ui) as descriptor_ui
    from terms
    where pmid in (select pmid from agg_pmids) and descriptor_ui is not null
    group by pmid, descriptor_name
),

direct as (
    select
        agg_article_descriptors.pmid,
        descriptor_uis.descriptor_ui,
        agg_article_descriptors.is_major,
        false as via_supplementary
    from agg_article_descriptors
    inner join descriptor_uis using (pmid, descriptor_name)
    where agg_article_descriptors.pmid in (select pmid from agg_pmids)
),

article_records as (
    select pmid, concept_ui as record_ui
    from supplementary_concepts
    where concept_ui like 'C%' and pmid in (select pmid from agg_pmids)
    union
    select pmid, substance_ui as record_ui
    from substances
    where substance_ui like 'C%' and pmid in (select pmid from agg_pmids)
),

mapped as (
    select
        article_records.pmid,
        mesh_headings_mapped_to.descriptor_ui,
        false as is_major,
        true as via_supplementary
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

select * from final
