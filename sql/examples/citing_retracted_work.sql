-- Which articles cite retracted work published after its retraction?
-- One row per citing article and retracted article it cites; set `after_only` to false in
-- `params` to see the citations from before the retraction too.
with

params as (
    select true as after_only
),

final as (
    select
        retracted_citations.citing_pmid,
        citing.title as citing_title,
        retracted_citations.citing_pub_date,
        retracted_citations.retracted_pmid,
        retracted.title as retracted_title,
        retracted_citations.retracted_on,
        retracted_citations.cites_after_retraction
    from retracted_citations
    inner join articles as citing on citing.pmid = retracted_citations.citing_pmid
    inner join articles as retracted on retracted.pmid = retracted_citations.retracted_pmid
    cross join params
    where not params.after_only or retracted_citations.cites_after_retraction
    order by retracted_citations.retracted_pmid, retracted_citations.citing_pub_date
)

select * from final;
