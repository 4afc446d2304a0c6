-- One row per article and MeSH descriptor: the terms table folded over its qualifiers, kept per
-- article in agg_article_descriptors (sql/aggregates/article_descriptors.sql holds the rule).
create or replace view article_descriptors as

with

final as (
    select
        agg_article_descriptors.pmid,
        agg_article_descriptors.descriptor_name,
        agg_descriptor_uis.descriptor_ui,
        agg_article_descriptors.is_major
    from agg_article_descriptors
    left join agg_descriptor_uis using (descriptor_name)
)

select * from final;

comment on view article_descriptors is 'One row per article and MeSH descriptor (grain: pmid, descriptor_name): terms folded over qualifiers. The one place the major-topic rule lives: a descriptor is a major topic of an article when it or one of its qualifiers is marked major.';
comment on column article_descriptors.pmid is 'Article (articles.pmid).';
comment on column article_descriptors.descriptor_name is 'MeSH descriptor name (terms.descriptor_name).';
comment on column article_descriptors.descriptor_ui is 'MeSH descriptor unique identifier (D......), NULL when no loaded record carries it.';
comment on column article_descriptors.is_major is 'True when the descriptor or one of its qualifiers is a major topic of the article.';
