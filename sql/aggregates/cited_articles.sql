-- Rows of agg_cited_articles for the cited PMIDs in temp table agg_touched, rolled up from
-- agg_cited_by_year (years of zero rows left out of first and last year).
with

years as (
    select agg_cited_by_year.*
    from agg_cited_by_year
    semi join agg_touched using (cited_pmid)
),

final as (
    select
        cited_pmid,
        sum(times_cited)::bigint as times_cited,
        sum(times_cited_pubmed)::bigint as times_cited_pubmed,
        sum(times_cited_occ)::bigint as times_cited_occ,
        min(citing_pub_year) filter (where times_cited > 0) as first_cited_year,
        max(citing_pub_year) filter (where times_cited > 0) as last_cited_year
    from years
    group by cited_pmid
)

select * from final
