-- One row per article citing a retracted article, and that article.
create or replace view retracted_citations as

with

final as (
    select
        citation_graph.citing_pmid,
        citation_graph.cited_pmid as retracted_pmid,
        citation_graph.citing_pub_date,
        citation_graph.citing_pub_year,
        retracted_articles.retracted_on,
        retracted_articles.retraction_year,
        case
            when retracted_articles.retracted_on is not null
                and citation_graph.citing_pub_date is not null
                then citation_graph.citing_pub_date > retracted_articles.retracted_on
            when citation_graph.citing_pub_year > retracted_articles.retraction_year then true
            when citation_graph.citing_pub_year < retracted_articles.retraction_year then false
        end as cites_after_retraction
    from citation_graph
    inner join retracted_articles on retracted_articles.pmid = citation_graph.cited_pmid
)

select * from final;

comment on view retracted_citations is 'One row per article in the warehouse citing a retracted article in the warehouse (grain: citing_pmid, retracted_pmid).';
comment on column retracted_citations.citing_pmid is 'Citing article (articles.pmid).';
comment on column retracted_citations.retracted_pmid is 'Retracted article it cites (retracted_articles.pmid).';
comment on column retracted_citations.citing_pub_date is 'Publication date of the citing article.';
comment on column retracted_citations.citing_pub_year is 'Publication year of the citing article.';
comment on column retracted_citations.retracted_on is 'Publication date of the retraction notice, when loaded.';
comment on column retracted_citations.retraction_year is 'Year of the retraction notice.';
comment on column retracted_citations.cites_after_retraction is 'True when the citing article was published after the retraction (by date when both are known, else by year); NULL when that cannot be told (same year without dates, or no retraction date).';
