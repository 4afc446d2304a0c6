-- One row per MeSH descriptor, substance and publication year.
create or replace view substance_by_term as

with

substance_per_article as (
    select
        pmid,
        name as substance_name,
        any_value(substance_ui) as substance_ui,
        any_value(registry_number) as registry_number
    from substances
    group by pmid, name
),

final as (
    select
        article_descriptors.descriptor_name,
        any_value(article_descriptors.descriptor_ui) as descriptor_ui,
        substance_per_article.substance_name,
        any_value(substance_per_article.substance_ui) as substance_ui,
        any_value(substance_per_article.registry_number) as registry_number,
        articles.pub_year,
        count(*) as article_count
    from article_descriptors
    inner join substance_per_article using (pmid)
    inner join articles using (pmid)
    group by
        article_descriptors.descriptor_name,
        substance_per_article.substance_name,
        articles.pub_year
)

select * from final;

comment on view substance_by_term is 'One row per MeSH descriptor, substance and publication year (grain: descriptor_name, substance_name, pub_year): articles indexed with both. Sum article_count over pub_year for all years, e.g. which substances are studied with Migraine Disorders and how that changed by year.';
comment on column substance_by_term.descriptor_name is 'MeSH descriptor name (terms.descriptor_name).';
comment on column substance_by_term.descriptor_ui is 'MeSH descriptor unique identifier (D......).';
comment on column substance_by_term.substance_name is 'Substance name (substances.name), e.g. Calcitonin Gene-Related Peptide.';
comment on column substance_by_term.substance_ui is 'MeSH unique identifier of the substance (D...... or C......).';
comment on column substance_by_term.registry_number is 'CAS or EC registry number of the substance, 0 when it has none.';
comment on column substance_by_term.pub_year is 'Publication year of the articles (articles.pub_year).';
comment on column substance_by_term.article_count is 'Articles of that year indexed with both the descriptor and the substance.';
