-- One row per MeSH descriptor, substance and publication year; read from agg_substance_by_term,
-- which each file's load keeps up to date.
create or replace view substance_by_term as

with

final as (
    select
        agg_substance_by_term.descriptor_name,
        agg_descriptor_uis.descriptor_ui,
        agg_substance_by_term.substance_name,
        agg_substance_names.substance_ui,
        agg_substance_names.registry_number,
        agg_substance_by_term.pub_year,
        agg_substance_by_term.article_count
    from agg_substance_by_term
    left join agg_descriptor_uis using (descriptor_name)
    left join agg_substance_names using (substance_name)
    where agg_substance_by_term.article_count > 0
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
