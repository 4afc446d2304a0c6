-- One row per MeSH descriptor and publication year: how many articles were indexed with it;
-- read from agg_term_by_year, which each file's load keeps up to date.
create or replace view term_by_year as

with

final as (
    select
        agg_term_by_year.descriptor_name,
        agg_descriptor_uis.descriptor_ui,
        agg_term_by_year.pub_year,
        agg_term_by_year.article_count,
        agg_term_by_year.major_article_count
    from agg_term_by_year
    left join agg_descriptor_uis using (descriptor_name)
    where agg_term_by_year.article_count > 0
)

select * from final;

comment on view term_by_year is 'One row per MeSH descriptor and publication year (grain: descriptor_name, pub_year; pub_year NULL for articles without a date): number of articles indexed with the descriptor that year.';
comment on column term_by_year.descriptor_name is 'MeSH descriptor name (terms.descriptor_name), e.g. Migraine Disorders.';
comment on column term_by_year.descriptor_ui is 'MeSH descriptor unique identifier (D......), NULL when no loaded record carries it.';
comment on column term_by_year.pub_year is 'Publication year of the articles (articles.pub_year).';
comment on column term_by_year.article_count is 'Articles of that year indexed with the descriptor (with or without qualifiers).';
comment on column term_by_year.major_article_count is 'Of those, articles where the descriptor or one of its qualifiers is a major topic.';
