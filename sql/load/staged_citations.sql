-- The citations of the file's inserted or replacing records, computed once per file (one row
-- per staged pmid with a complete citation): merge_surrogates.sql matches on them and
-- store_citation_keys.sql stores their hashes.
create or replace temp table staged_citations as
with
keyed as (
    select pmid, citation_key(journal_abbrev, pub_year, volume, issue, pages, title) as citation
    from stage_articles
    where pmid in (select pmid from decisions where action in ('insert', 'replace'))
),

final as (
    select pmid, citation, citation_hash(citation) as citation_hash
    from keyed
    where citation is not null
)

select * from final
