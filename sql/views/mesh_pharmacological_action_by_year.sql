-- One row per pharmacological action and publication year: articles about any substance with
-- it; read from agg_mesh_action_years, which each file's load keeps up to date.
create or replace view mesh_pharmacological_action_by_year as

with

action_names as (
    select descriptor_ui as action_ui, name as action_name from mesh_descriptors
    union all
    select action_ui, min(action_name) as action_name
    from mesh_pharmacological_actions
    where action_ui not in (select descriptor_ui from mesh_descriptors)
    group by action_ui
),

final as (
    select
        agg_mesh_action_years.action_ui,
        action_names.action_name,
        agg_mesh_action_years.pub_year,
        agg_mesh_action_years.article_count,
        agg_mesh_action_years.major_article_count
    from agg_mesh_action_years
    left join action_names using (action_ui)
    where agg_mesh_action_years.article_count > 0
)

select * from final;

comment on view mesh_pharmacological_action_by_year is 'One row per pharmacological action and publication year with articles (grain: action_ui, pub_year): every article indexed (heading, chemical or supplementary concept) with a substance record that has the action or one below it in the tree ("articles about any Cyclooxygenase Inhibitor"), counted once.';
comment on column mesh_pharmacological_action_by_year.action_ui is 'Descriptor UI of the action (mesh_pharmacological_actions.action_ui, or a descriptor above actions in the tree).';
comment on column mesh_pharmacological_action_by_year.action_name is 'Its name in the loaded descriptor file, else as substance records name it.';
comment on column mesh_pharmacological_action_by_year.pub_year is 'Publication year of the articles.';
comment on column mesh_pharmacological_action_by_year.article_count is 'Articles indexed with a substance having the action.';
comment on column mesh_pharmacological_action_by_year.major_article_count is 'Articles with such a substance as a major-topic heading.';
