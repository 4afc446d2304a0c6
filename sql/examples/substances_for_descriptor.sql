-- Which substances are most often indexed together with a MeSH descriptor?
-- One row per substance; change the descriptor in `params`.
with

params as (
    select 'Lung Neoplasms' as descriptor_name
),

substances_with_descriptor as (
    select
        substance_by_term.substance_name,
        any_value(substance_by_term.registry_number) as registry_number,
        sum(substance_by_term.article_count)::bigint as article_count,
        min(substance_by_term.pub_year) as first_year,
        max(substance_by_term.pub_year) as last_year
    from substance_by_term
    inner join params using (descriptor_name)
    group by substance_by_term.substance_name
),

final as (
    select *
    from substances_with_descriptor
    order by article_count desc, substance_name
)

select * from final;
