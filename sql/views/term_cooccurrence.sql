-- One row per ordered pair of MeSH descriptors indexed on the same articles.
create or replace view term_cooccurrence as

with

pairs as (
    select
        descriptor.pmid,
        descriptor.descriptor_name,
        descriptor.descriptor_ui,
        co_descriptor.descriptor_name as co_descriptor_name,
        co_descriptor.descriptor_ui as co_descriptor_ui,
        descriptor.is_major and co_descriptor.is_major as both_major
    from article_descriptors as descriptor
    inner join article_descriptors as co_descriptor
        on
            descriptor.pmid = co_descriptor.pmid
            and descriptor.descriptor_name != co_descriptor.descriptor_name
),

final as (
    select
        pairs.descriptor_name,
        any_value(pairs.descriptor_ui) as descriptor_ui,
        pairs.co_descriptor_name,
        any_value(pairs.co_descriptor_ui) as co_descriptor_ui,
        count(*) as article_count,
        count(*) filter (where pairs.both_major) as both_major_article_count,
        min(articles.pub_year) as first_year,
        max(articles.pub_year) as last_year
    from pairs
    inner join articles using (pmid)
    group by pairs.descriptor_name, pairs.co_descriptor_name
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
