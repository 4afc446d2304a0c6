-- Rows of agg_article_citations for the articles in agg_pmids: the PMIDs each cites through its
-- reference list or a Cites link, once each, itself left out. The one place this rule lives.
with

links as (
    select pmid, ref_pmid as cited_pmid
    from "references"
    where pmid in (select pmid from agg_pmids) and ref_pmid is not null
    union
    select pmid, ref_pmid as cited_pmid
    from comments_corrections
    where pmid in (select pmid from agg_pmids) and ref_type = 'Cites' and ref_pmid is not null
),

final as (
    select
        links.pmid,
        links.cited_pmid,
        articles.pub_year as citing_pub_year,
        articles.pub_date as citing_pub_date
    from links
    inner join articles using (pmid)
    where links.pmid <> links.cited_pmid
)

select * from final
