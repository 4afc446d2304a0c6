-- Which articles under a MeSH tree node are cited most within the warehouse, per citing year?
-- One row per citing year and article (the top 10 of each year); change the node and the
-- number kept below. Needs a MeSH descriptor file loaded (descYYYY.xml). The node is a
-- variable, not a joined CTE, so that DuckDB pushes the filter into mesh_ancestors. The links
-- of citation_graph are counted for the subtree's articles only: the view citations_by_year
-- holds the same counts, but counts every article's links before any filter applies.
set variable tree_number = 'B01.050';
set variable top_n = 10;

with

subtree_articles as (
    select distinct article_mesh_headings.pmid
    from article_mesh_headings
    inner join mesh_ancestors using (descriptor_ui)
    where mesh_ancestors.ancestor_tree_number = getvariable('tree_number')
),

counted as (
    select
        citation_graph.citing_pub_year,
        citation_graph.cited_pmid as pmid,
        count(*) as times_cited
    from citation_graph
    inner join subtree_articles on subtree_articles.pmid = citation_graph.cited_pmid
    group by citation_graph.citing_pub_year, citation_graph.cited_pmid
),

ranked as (
    select
        counted.*,
        row_number() over (
            partition by counted.citing_pub_year
            order by counted.times_cited desc, counted.pmid
        ) as rank_in_year
    from counted
),

final as (
    select
        ranked.citing_pub_year,
        ranked.rank_in_year,
        ranked.pmid,
        articles.title,
        ranked.times_cited
    from ranked
    inner join articles using (pmid)
    where ranked.rank_in_year <= getvariable('top_n')
    order by ranked.citing_pub_year, ranked.rank_in_year
)

select * from final;
