-- One row per article and notice about it: retraction, erratum, expression of concern.
create or replace view correction_notices as

with

kinds as (
    select * from (values
        ('RetractionIn', 'retraction', false),
        ('RetractionOf', 'retraction', true),
        ('PartialRetractionIn', 'partial retraction', false),
        ('PartialRetractionOf', 'partial retraction', true),
        ('ErratumIn', 'erratum', false),
        ('ErratumFor', 'erratum', true),
        ('ExpressionOfConcernIn', 'expression of concern', false),
        ('ExpressionOfConcernFor', 'expression of concern', true)
    ) as kinds (ref_type, notice_type, is_notice_side)
),

links as (
    select
        case when kinds.is_notice_side then cc.ref_pmid else cc.pmid end as pmid,
        kinds.notice_type,
        case when kinds.is_notice_side then cc.pmid else cc.ref_pmid end as notice_pmid,
        case when kinds.is_notice_side then null else cc.ref_source end as notice_source
    from comments_corrections as cc
    inner join kinds using (ref_type)
),

final as (
    select
        links.pmid,
        links.notice_type,
        links.notice_pmid,
        any_value(links.notice_source) as notice_source,
        any_value(notices.pub_date) as notice_pub_date,
        coalesce(
            any_value(notices.pub_year),
            try_cast(regexp_extract(any_value(links.notice_source), '\. ((?:19|20)\d\d)\b', 1) as integer)
        ) as notice_year
    from links
    left join articles as notices on notices.pmid = links.notice_pmid
    where links.pmid is not null
    group by links.pmid, links.notice_type, links.notice_pmid
)

select * from final;

comment on view correction_notices is 'One row per article and notice about it (grain: pmid, notice_type, notice_pmid): retractions, partial retractions, errata and expressions of concern, from the article''s own link (RetractionIn, ErratumIn, ...) or the notice''s (RetractionOf, ErratumFor, ...). The article need not be in the warehouse.';
comment on column correction_notices.pmid is 'Article the notice is about.';
comment on column correction_notices.notice_type is 'retraction, partial retraction, erratum or expression of concern.';
comment on column correction_notices.notice_pmid is 'PMID of the notice; NULL when the link gives only a citation.';
comment on column correction_notices.notice_source is 'Citation of the notice as the article''s link gives it.';
comment on column correction_notices.notice_pub_date is 'Publication date of the notice when it is in the warehouse.';
comment on column correction_notices.notice_year is 'Year of the notice: its publication year when loaded, else the year in notice_source.';
