-- Rows of agg_article_descriptors for the articles in agg_pmids: terms folded over qualifiers.
-- The one place the major-topic rule lives: a descriptor is a major topic of an article when it
-- or one of its qualifiers is marked major.
with

final as (
    select
        pmid,
        descriptor_name,
        bool_or(descriptor_major or coalesce(qualifier_major, false)) as is_major
    from terms
    where pmid in (select pmid from agg_pmids)
    group by pmid, descriptor_name
)

select * from final
