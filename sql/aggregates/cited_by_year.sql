-- Contribution of the articles in agg_pmids to agg_cited_by_year: their links (from
-- agg_article_citations, each once whatever its source) counted per cited PMID and citing year.
with

final as (
    select
        agg_article_citations.cited_pmid,
        agg_article_citations.citing_pub_year,
        count(*) as times_cited,
        count(*) filter (where agg_article_citations.source <> 'occ') as times_cited_pubmed,
        count(*) filter (where agg_article_citations.source <> 'pubmed') as times_cited_occ
    from agg_article_citations
    inner join agg_pmids using (pmid)
    group by agg_article_citations.cited_pmid, agg_article_citations.citing_pub_year
)

select * from final
