-- The articles cited most by other articles in the warehouse (citation_summary): one row per
-- cited article, at most $limit, most cited first.
with

final as (
    select
        citation_summary.pmid,
        citation_summary.pub_year,
        articles.title,
        coalesce(articles.journal_abbrev, articles.journal_title) as journal,
        articles.doi,
        citation_summary.times_cited,
        citation_summary.first_cited_year,
        citation_summary.last_cited_year
    from citation_summary
    inner join articles using (pmid)
    where citation_summary.times_cited > 0
    order by citation_summary.times_cited desc, citation_summary.pmid
    limit $limit
)

select * from final;
