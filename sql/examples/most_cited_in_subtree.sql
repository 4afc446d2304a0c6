-- Which articles under a MeSH tree node are cited most within the warehouse, per citing year?
-- One row per citing year and article (the top 10 of each year); change the node and the
-- number kept below. Needs a MeSH descriptor file loaded (descYYYY.xml). The node is a
-- variable, not a joined CTE, so that DuckDB pushes the filter into mesh_ancestors.
set variable tree_number = 'B01.050';
set variable top_n = 10;

with

subtree_articles as (
    select distinct article_mesh_headings.pmid
    from article_mesh_headings
    inner join mesh_ancestors using (descriptor_ui)
    where mesh_ancestors.ancestor_tree_number = getvariable('tree_number')
),

ranked as (
    select
        citations_by_year.citing_pub_year,
        citations_by_year.pmid,
        citations_by_year.times_cited,
        row_number() over (
            partition by citations_by_year.citing_pub_year
            order by citations_by_year.times_cited desc, citations_by_year.pmid
        ) as rank_in_year
    from citations_by_year
    inner join subtree_articles using (pmid)
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
