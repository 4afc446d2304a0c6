-- One row per ordered pair of MeSH descriptors indexed on the same articles; agg_term_pairs
-- keeps each pair once (names in sort order), this view lists it in both orders.
create or replace view term_cooccurrence as

with

pairs as (
    select
        descriptor_name,
        co_descriptor_name,
        article_count,
        both_major_article_count,
        first_year,
        last_year
    from agg_term_pairs
    where article_count > 0
),

both_orders as (
    select * from pairs
    union all
    select
        co_descriptor_name as descriptor_name,
        descriptor_name as co_descriptor_name,
        article_count,
        both_major_article_count,
        first_year,
        last_year
    from pairs
),

final as (
    select
        both_orders.descriptor_name,
        descriptor_uis.descriptor_ui,
        both_orders.co_descriptor_name,
        co_descriptor_uis.descriptor_ui as co_descriptor_ui,
        both_orders.article_count,
        both_orders.both_major_article_count,
        both_orders.first_year,
        both_orders.last_year
    from both_orders
    left join agg_descriptor_uis as descriptor_uis
        on both_orders.descriptor_name = descriptor_uis.descriptor_name
    left join agg_descriptor_uis as co_descriptor_uis
        on both_orders.co_descriptor_name = co_descriptor_uis.descriptor_name
)

select * from final;

comment on view term_cooccurrence is 'One row per ordered pair of distinct MeSH descriptors indexed on at least one common article (grain: descriptor_name, co_descriptor_name); every pair appears in both orders, so filter on descriptor_name to list what co-occurs with it.';
comment on column term_cooccurrence.descriptor_name is 'MeSH descriptor name (terms.descriptor_name).';
comment on column term_cooccurrence.descriptor_ui is 'MeSH descriptor unique identifier of descriptor_name.';
comment on column term_cooccurrence.co_descriptor_name is 'Another MeSH descriptor indexed on the same articles.';
comment on column term_cooccurrence.co_descriptor_ui is 'MeSH descriptor unique identifier of co_descriptor_name.';
comment on column term_cooccurrence.article_count is 'Articles indexed with both descriptors.';
comment on column term_cooccurrence.both_major_article_count is 'Of those, articles where both descriptors are a major topic.';
comment on column term_cooccurrence.first_year is 'Earliest publication year of those articles.';
comment on column term_cooccurrence.last_year is 'Latest publication year of those articles.';
