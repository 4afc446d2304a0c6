-- One row per citing and cited PMID of the loaded NIH Open Citation Collection snapshot.
create table if not exists occ_links (
    citing_pmid bigint not null,
    cited_pmid bigint not null
);

comment on table occ_links is 'One row per pair of the loaded NIH Open Citation Collection snapshot (iCite open_citation_collection: citing,referenced), each pair once and an article citing itself left out, whether or not either PMID is in the warehouse (grain: citing_pmid, cited_pmid). A newer snapshot replaces it whole in one transaction (occ_snapshot says which is loaded). sql/aggregates/article_citations.sql adds each loaded citing article''s pairs to agg_article_citations, a link once whatever its source; pairs whose citing article is not in the warehouse wait here until it loads.';
comment on column occ_links.citing_pmid is 'PMID of the citing article (OCC citing).';
comment on column occ_links.cited_pmid is 'PMID it cites (OCC referenced).';
