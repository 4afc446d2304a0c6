-- Rows of agg_article_citations for the articles in agg_pmids: the PMIDs each cites through its
-- reference list or a Cites link (PubMed's record) or through the NIH Open Citation Collection
-- (occ_links), once each whatever the source, itself left out, with the source named. The one
-- place this rule lives: every citation view and example reads it.
with

pubmed as (
    select pmid, ref_pmid as cited_pmid
    from "references"
    where pmid in (select pmid from agg_pmids) and ref_pmid is not null
    union
    select pmid, ref_pmid as cited_pmid
    from comments_corrections
    where pmid in (select pmid from agg_pmids) and ref_type = 'Cites' and ref_pmid is not null
),

occ as (
    select citing_pmid as pmid, cited_pmid
    from occ_links
    where citing_pmid in (select pmid from agg_pmids)
),

links as (
    select
        coalesce(pubmed.pmid, occ.pmid) as pmid,
        coalesce(pubmed.cited_pmid, occ.cited_pmid) as cited_pmid,
        case
            when occ.pmid is null then 'pubmed'
            when pubmed.pmid is null then 'occ'
            else 'both'
        end as source
    from pubmed
    full join occ on occ.pmid = pubmed.pmid and occ.cited_pmid = pubmed.cited_pmid
),

final as (
    select
        links.pmid,
        links.cited_pmid,
        articles.pub_year as citing_pub_year,
        articles.pub_date as citing_pub_date,
        links.source
    from links
    inner join articles using (pmid)
    where links.pmid <> links.cited_pmid
)

select * from final
