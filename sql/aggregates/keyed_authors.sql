-- The authors of the articles in agg_pmids with their key (ORCID, else name): temp table
-- agg_keyed_authors, read by author_years.sql and author_spellings.sql.
create or replace temp table agg_keyed_authors as

with

keyed_authors as (
    select
        authors.pmid,
        authors.position,
        authors.last_name,
        authors.initials,
        authors.collective_name,
        coalesce(
            authors.orcid,
            authors.last_name || ' ' || authors.initials,
            authors.last_name,
            authors.collective_name
        ) as author_key,
        authors.orcid is not null as is_orcid,
        authors.position = max(authors.position) over (partition by authors.pmid)
            as is_last_author
    from authors
    where authors.pmid in (select pmid from agg_pmids) and not authors.is_investigator
),

final as (
    select * from keyed_authors where author_key is not null
)

select * from final
