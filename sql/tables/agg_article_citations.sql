-- One row per citing article and PMID it cites, kept by the loader for the articles each file
-- changes (and for every article when an Open Citation Collection snapshot loads).
create table if not exists agg_article_citations (
    pmid bigint not null,
    cited_pmid bigint not null,
    citing_pub_year integer,
    citing_pub_date date,
    source varchar not null,
    refreshed_at timestamp not null
);

comment on table agg_article_citations is 'One row per citing article and PMID it cites (grain: pmid, cited_pmid): its reference list ("references".ref_pmid), the Cites links of older records (comments_corrections) and the NIH Open Citation Collection pairs it is the citing side of (occ_links), once each whatever the source, itself left out, whether or not the cited PMID is in the warehouse; kept in each file''s transaction for the PMIDs it changes, and for every article when an OCC snapshot loads (sql/aggregates/article_citations.sql holds the rule). Feeds citation_graph and agg_cited_by_year.';
comment on column agg_article_citations.pmid is 'Citing article (articles.pmid).';
comment on column agg_article_citations.cited_pmid is 'PMID it cites; the view citation_graph keeps those in the warehouse.';
comment on column agg_article_citations.citing_pub_year is 'Publication year of the citing article (articles.pub_year).';
comment on column agg_article_citations.citing_pub_date is 'Publication date of the citing article (articles.pub_date).';
comment on column agg_article_citations.source is 'Where the link comes from: pubmed (the citing record''s reference list or Cites link), occ (the Open Citation Collection) or both.';
comment on column agg_article_citations.refreshed_at is 'Start of the file transaction that wrote the row.';
