-- One row per citing article and cited article, both in the warehouse, from either source.
create or replace view citation_graph as

with

final as (
    select
        agg_article_citations.pmid as citing_pmid,
        agg_article_citations.cited_pmid,
        agg_article_citations.citing_pub_year,
        agg_article_citations.citing_pub_date,
        cited.pub_year as cited_pub_year,
        agg_article_citations.source
    from agg_article_citations
    inner join articles as cited on cited.pmid = agg_article_citations.cited_pmid
)

select * from final;

comment on view citation_graph is 'One row per citing and cited article, both in the warehouse (grain: citing_pmid, cited_pmid): reference lists ("references".ref_pmid), the Cites links of older records (comments_corrections) and the NIH Open Citation Collection (occ_links), each link once whatever its source, read from agg_article_citations (sql/aggregates/article_citations.sql holds the rule). Always current: a replaced, deleted or newly loaded article brings or takes its links with it.';
comment on column citation_graph.citing_pmid is 'Article whose reference list cites (articles.pmid).';
comment on column citation_graph.cited_pmid is 'Article cited (articles.pmid).';
comment on column citation_graph.citing_pub_year is 'Publication year of the citing article.';
comment on column citation_graph.citing_pub_date is 'Publication date of the citing article (articles.pub_date).';
comment on column citation_graph.cited_pub_year is 'Publication year of the cited article.';
comment on column citation_graph.source is 'Where the link comes from: pubmed (the citing record''s reference list or Cites link), occ (the Open Citation Collection) or both.';
