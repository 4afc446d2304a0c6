-- Change to agg_cited_by_year not merged yet: rows of the articles that the chunks of a file
-- applied in chunks removed, counts negative (internal; merged after its last chunk).
create table if not exists pending_agg_cited_by_year (
    cited_pmid bigint,
    citing_pub_year integer,
    times_cited bigint,
    times_cited_pubmed bigint,
    times_cited_occ bigint
);

comment on table pending_agg_cited_by_year is 'One row per key of agg_cited_by_year and chunk of a file applied in chunks (grain: cited_pmid, citing_pub_year, chunk; not unique): the counts of that chunk''s removed articles, negative, taken out with them and not merged into agg_cited_by_year yet; internal bookkeeping of the loader: merged with the pending adds (pending_aggregates) after the file''s last chunk, and always before the readers'' copy is published.';
comment on column pending_agg_cited_by_year.cited_pmid is 'Key of agg_cited_by_year: cited PMID (agg_article_citations.cited_pmid).';
comment on column pending_agg_cited_by_year.citing_pub_year is 'Key of agg_cited_by_year: publication year of the citing articles (NULL for undated ones).';
comment on column pending_agg_cited_by_year.times_cited is 'Change to agg_cited_by_year.times_cited (negative: taken out).';
comment on column pending_agg_cited_by_year.times_cited_pubmed is 'Change to agg_cited_by_year.times_cited_pubmed (negative: taken out).';
comment on column pending_agg_cited_by_year.times_cited_occ is 'Change to agg_cited_by_year.times_cited_occ (negative: taken out).';
