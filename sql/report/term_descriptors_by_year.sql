-- Descriptors co-occurring with $term over time: one row per co-descriptor (the $limit most
-- frequent) and year, counting articles indexed with both.
with

term_articles as (
    select distinct terms.pmid, articles.pub_year
    from terms
    inner join articles using (pmid)
    where terms.descriptor_name = $term and articles.pub_year is not null
),

co_descriptors as (
    select distinct term_articles.pmid, term_articles.pub_year, terms.descriptor_name
    from term_articles
    inner join terms using (pmid)
    where terms.descriptor_name != $term
),

top_co_descriptors as (
    select descriptor_name, count(*) as total
    from co_descriptors
    group by descriptor_name
    order by total desc, descriptor_name
    limit $limit
),

final as (
    select
        co_descriptors.descriptor_name as name,
        co_descriptors.pub_year,
        count(*) as article_count,
        any_value(top_co_descriptors.total) as total
    from co_descriptors
    inner join top_co_descriptors using (descriptor_name)
    group by co_descriptors.descriptor_name, co_descriptors.pub_year
    order by total desc, name, co_descriptors.pub_year
)

select name, pub_year, article_count from final;
