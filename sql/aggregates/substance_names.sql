-- Rows of agg_substance_names for the substance names of the articles in agg_added: the least
-- UI and registry number among the new rows and the ones already kept.
with

incoming as (
    select name as substance_name, min(substance_ui) as substance_ui,
        min(registry_number) as registry_number
    from substances
    where pmid in (select pmid from agg_added)
    group by name
),

merged as (
    select
        incoming.substance_name,
        least(incoming.substance_ui, agg_substance_names.substance_ui) as substance_ui,
        least(incoming.registry_number, agg_substance_names.registry_number) as registry_number,
        agg_substance_names.substance_name is null as is_new,
        agg_substance_names.substance_ui as kept_ui,
        agg_substance_names.registry_number as kept_registry_number
    from incoming
    left join agg_substance_names using (substance_name)
),

final as (
    select substance_name, substance_ui, registry_number
    from merged
    where is_new
        or substance_ui is distinct from kept_ui
        or registry_number is distinct from kept_registry_number
)

select * from final
