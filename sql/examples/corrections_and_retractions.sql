-- Which articles have an erratum, a retraction, an update or an expression of concern?
-- One row per such link in comments_corrections.
with

correction_types as (
    select unnest([
        'ErratumIn', 'ErratumFor',
        'RetractionIn', 'RetractionOf',
        'PartialRetractionIn', 'PartialRetractionOf',
        'RetractionAndReplacementIn', 'RetractionAndReplacementOf',
        'ExpressionOfConcernIn', 'ExpressionOfConcernFor',
        'UpdateIn', 'UpdateOf',
        'RepublishedIn', 'RepublishedFrom'
    ]) as ref_type
),

final as (
    select
        comments_corrections.pmid,
        articles.title,
        comments_corrections.ref_type,
        comments_corrections.ref_pmid,
        comments_corrections.ref_source
    from comments_corrections
    inner join correction_types using (ref_type)
    inner join articles using (pmid)
    order by comments_corrections.pmid, comments_corrections.ref_type, comments_corrections.ref_pmid
)

select * from final;
