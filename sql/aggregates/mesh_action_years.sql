-- Contribution of the articles in agg_pmids to agg_mesh_action_years: each article once under
-- every pharmacological action (and descriptor above actions in the tree) that a substance
-- record it is indexed with has: a direct heading, a chemical or a supplementary concept.
with

action_nodes as (
    select distinct ancestor_descriptor_ui as node_ui, descriptor_ui as action_ui
    from mesh_ancestors
    where ancestor_descriptor_ui is not null
    union
    select distinct action_ui as node_ui, action_ui from mesh_pharmacological_actions
),

substance_actions as (
    select distinct action_nodes.node_ui, mesh_pharmacological_actions.record_ui
    from mesh_pharmacological_actions
    inner join action_nodes using (action_ui)
),

article_records as (
    select pmid, descriptor_ui as record_ui, is_major
    from agg_article_mesh_headings
    where not via_supplementary and pmid in (select pmid from agg_pmids)
    union all
    select pmid, substance_ui as record_ui, false as is_major
    from substances
    where pmid in (select pmid from agg_pmids)
    union all
    select pmid, concept_ui as record_ui, false as is_major
    from supplementary_concepts
    where pmid in (select pmid from agg_pmids)
),

article_actions as (
    select
        substance_actions.node_ui as action_ui,
        article_records.pmid,
        bool_or(article_records.is_major) as is_major
    from article_records
    inner join substance_actions using (record_ui)
    group by substance_actions.node_ui, article_records.pmid
),

final as (
    select
        article_actions.action_ui,
        agg_pmids.pub_year,
        count(*) as article_count,
        count(*) filter (where article_actions.is_major) as major_article_count
    from article_actions
    inner join agg_pmids using (pmid)
    group by article_actions.action_ui, agg_pmids.pub_year
)

select * from final
