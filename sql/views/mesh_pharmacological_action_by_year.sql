-- One row per pharmacological action and publication year: articles about any substance with it.
create or replace view mesh_pharmacological_action_by_year as

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
    select pmid, descriptor_ui as record_ui, is_major from article_descriptors
    union all
    select pmid, substance_ui as record_ui, false as is_major from substances
    union all
    select pmid, concept_ui as record_ui, false as is_major from supplementary_concepts
),

article_actions as (
    select distinct substance_actions.node_ui, article_records.pmid, article_records.is_major
    from article_records
    inner join substance_actions using (record_ui)
),

action_names as (
    select descriptor_ui as node_ui, name as action_name from mesh_descriptors
    union all
    select action_ui as node_ui, min(action_name) as action_name
    from mesh_pharmacological_actions
    where action_ui not in (select descriptor_ui from mesh_descriptors)
    group by action_ui
),

final as (
    select
        article_actions.node_ui as action_ui,
        action_names.action_name,
        articles.pub_year,
        count(distinct article_actions.pmid) as article_count,
        count(distinct article_actions.pmid) filter (where article_actions.is_major)
            as major_article_count
    from article_actions
    inner join articles using (pmid)
    left join action_names using (node_ui)
    group by all
)

select * from final;

comment on view mesh_pharmacological_action_by_year is 'One row per pharmacological action and publication year with articles (grain: action_ui, pub_year): every article indexed (heading, chemical or supplementary concept) with a substance record that has the action or one below it in the tree ("articles about any Cyclooxygenase Inhibitor"), counted once.';
comment on column mesh_pharmacological_action_by_year.action_ui is 'Descriptor UI of the action (mesh_pharmacological_actions.action_ui, or a descriptor above actions in the tree).';
comment on column mesh_pharmacological_action_by_year.action_name is 'Its name in the loaded descriptor file, else as substance records name it.';
comment on column mesh_pharmacological_action_by_year.pub_year is 'Publication year of the articles.';
comment on column mesh_pharmacological_action_by_year.article_count is 'Articles indexed with a substance having the action.';
comment on column mesh_pharmacological_action_by_year.major_article_count is 'Articles with such a substance as a major-topic heading.';
