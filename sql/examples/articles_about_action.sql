-- How many articles a year are about any substance with a pharmacological action?
-- One row per year; change the action's descriptor UI in `params` (D016861 Cyclooxygenase
-- Inhibitors, D000900 Anti-Bacterial Agents, ...). Needs MeSH descriptor and supplementary
-- files loaded (descYYYY.xml, suppYYYY.xml).
with

params as (
    select 'D016861' as action_ui
),

final as (
    select
        mesh_pharmacological_action_by_year.action_name,
        mesh_pharmacological_action_by_year.pub_year,
        mesh_pharmacological_action_by_year.article_count,
        mesh_pharmacological_action_by_year.major_article_count
    from mesh_pharmacological_action_by_year
    inner join params using (action_ui)
    order by mesh_pharmacological_action_by_year.pub_year
)

select * from final;
