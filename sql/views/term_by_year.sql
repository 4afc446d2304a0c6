-- One row per MeSH descriptor and publication year: how many articles were indexed with it.
create or replace view term_by_year as

with

descriptor_per_article as (
    select
        pmid,
        descriptor_name,
        any_value(descriptor_ui) as descriptor_ui,
        bool_or(descriptor_major or coalesce(qualifier_major, false)) as is_major
    from terms
    group by pmid, descriptor_name
),

final as (
    select
        descriptor_per_article.descriptor_name,
        any_value(descriptor_per_article.descriptor_ui) as descriptor_ui,
        articles.pub_year,
        count(*) as article_count,
        count(*) filter (where descriptor_per_article.is_major) as major_article_count
    from descriptor_per_article
    inner join articles using (pmid)
    group by descriptor_per_article.descriptor_name, articles.pub_year
)

select * from final;

comment on view term_by_year is 'One row per MeSH descriptor and publication year (grain: descriptor_name, pub_year; pub_year NULL for articles without a date): number of articles indexed with the descriptor that year.';
comment on column term_by_year.descriptor_name is 'MeSH descriptor name (terms.descriptor_name), e.g. Migraine Disorders.';
comment on column term_by_year.descriptor_ui is 'MeSH descriptor unique identifier (D......), NULL when no loaded record carries it.';
comment on column term_by_year.pub_year is 'Publication year of the articles (articles.pub_year).';
comment on column term_by_year.article_count is 'Articles of that year indexed with the descriptor (with or without qualifiers).';
comment on column term_by_year.major_article_count is 'Of those, articles where the descriptor or one of its qualifiers is a major topic.';
