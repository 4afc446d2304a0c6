-- One row per retracted article in the warehouse.
create or replace view retracted_articles as

with

notices as (
    select
        pmid,
        min(notice_pmid) as notice_pmid,
        min(notice_pub_date) as retracted_on,
        min(notice_year) as retraction_year
    from correction_notices
    where notice_type = 'retraction'
    group by pmid
),

typed as (
    select distinct pmid from publication_types where name = 'Retracted Publication'
),

final as (
    select
        articles.pmid,
        articles.pub_year,
        notices.notice_pmid,
        notices.retracted_on,
        notices.retraction_year,
        typed.pmid is not null as has_retracted_type,
        notices.pmid is not null as has_retraction_link
    from articles
    left join notices using (pmid)
    left join typed using (pmid)
    where notices.pmid is not null or typed.pmid is not null
)

select * from final;

comment on view retracted_articles is 'One row per retracted article in the warehouse (grain: pmid): it carries a RetractionIn link, a retraction notice in the warehouse says RetractionOf it, or its publication type is Retracted Publication.';
comment on column retracted_articles.pmid is 'Retracted article (articles.pmid).';
comment on column retracted_articles.pub_year is 'Its publication year.';
comment on column retracted_articles.notice_pmid is 'PMID of the retraction notice (the lowest when several); NULL when unknown.';
comment on column retracted_articles.retracted_on is 'Publication date of the earliest retraction notice in the warehouse; NULL when none is loaded.';
comment on column retracted_articles.retraction_year is 'Year of the earliest retraction notice (loaded, or read from the link''s citation).';
comment on column retracted_articles.has_retracted_type is 'True when its publication types include Retracted Publication.';
comment on column retracted_articles.has_retraction_link is 'True when a RetractionIn / RetractionOf link names it.';
