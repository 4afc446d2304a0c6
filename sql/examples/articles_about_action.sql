-- How many articles a year are about any substance with a pharmacological action?
-- One row per year; change the action's descriptor UI below (D016861 Cyclooxygenase
-- Inhibitors, D000900 Anti-Bacterial Agents, ...). Needs MeSH descriptor and supplementary
-- files loaded (descYYYY.xml, suppYYYY.xml). The action is a variable, not a joined CTE, so
-- that DuckDB pushes the filter into the view.
set variable action_ui = 'D016861';

with

final as (
    select
        mesh_pharmacological_action_by_year.action_name,
        mesh_pharmacological_action_by_year.pub_year,
        mesh_pharmacological_action_by_year.article_count,
        mesh_pharmacological_action_by_year.major_article_count
    from mesh_pharmacological_action_by_year
    where mesh_pharmacological_action_by_year.action_ui = getvariable('action_ui')
    order by mesh_pharmacological_action_by_year.pub_year
)

select * from final;
