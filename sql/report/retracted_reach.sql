-- Retracted articles in the warehouse and the articles in it that cite them (retracted_articles,
-- retracted_citations): one row per retracted article, most cited first.
with

reach as (
    select
        retracted_pmid as pmid,
        count(*) as citing_articles,
        count(*) filter (where cites_after_retraction) as citing_after_retraction,
        count(*) filter (where cites_after_retraction is null) as citing_undated
    from retracted_citations
    group by retracted_pmid
),

final as (
    select
        retracted_articles.pmid,
        retracted_articles.pub_year,
        articles.title,
        retracted_articles.notice_pmid,
        retracted_articles.retracted_on,
        retracted_articles.retraction_year,
        coalesce(reach.citing_articles, 0) as citing_articles,
        coalesce(reach.citing_after_retraction, 0) as citing_after_retraction,
        coalesce(reach.citing_undated, 0) as citing_undated
    from retracted_articles
    inner join articles using (pmid)
    left join reach using (pmid)
    order by citing_articles desc, retracted_articles.pmid
)

select * from final;
