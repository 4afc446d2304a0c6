-- Staged records without a PMID (negative surrogate pmid) that match a real article already in
-- the warehouse: one row per surrogate, with the real pmid it maps onto. (A match inside the
-- same file, or with a real article the file also brings, is merged after the load by
-- merge_surrogates.sql.) The match is citation_key.sql's.
create or replace temp table surrogate_map as
with
surrogates as (
    select pmid, citation_key(journal_abbrev, pub_year, volume, issue, pages, title) as citation
    from stage_articles
    where pmid < 0
),

warehouse_articles as (
    select pmid, citation_key(journal_abbrev, pub_year, volume, issue, pages, title) as citation
    from articles
    where pmid > 0 and pmid not in (select pmid from stage_articles)
),

final as (
    select s.pmid as surrogate_pmid, min(r.pmid) as pmid
    from surrogates as s
    inner join warehouse_articles as r
        on r.citation is not distinct from s.citation and s.citation is not null
    group by s.pmid
)

select * from final
