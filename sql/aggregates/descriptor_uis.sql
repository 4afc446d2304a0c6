-- Rows of agg_descriptor_uis for the descriptor names of the articles in agg_added: the least
-- UI among the new rows and the one already kept.
with

incoming as (
    select descriptor_name, min(descriptor_ui) as descriptor_ui
    from terms
    where pmid in (select pmid from agg_added)
    group by descriptor_name
),

final as (
    select
        incoming.descriptor_name,
        least(incoming.descriptor_ui, agg_descriptor_uis.descriptor_ui) as descriptor_ui
    from incoming
    left join agg_descriptor_uis using (descriptor_name)
    where agg_descriptor_uis.descriptor_name is null
        or agg_descriptor_uis.descriptor_ui is distinct from
            least(incoming.descriptor_ui, agg_descriptor_uis.descriptor_ui)
)

select * from final
