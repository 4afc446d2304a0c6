-- How many articles a year are indexed with anything at or below a MeSH tree node?
-- One row per year; change the tree number below (C10 Nervous System Diseases,
-- D12.644.276.374 Cytokines, ...). Needs a MeSH descriptor file loaded (descYYYY.xml).
-- The node is a variable, not a joined CTE, so that DuckDB pushes the filter into the view
-- and expands only that subtree.
set variable tree_number = 'C19.246';

with

articles_per_year as (
    select pub_year, count(*) as year_article_count
    from articles
    group by pub_year
),

final as (
    select
        mesh_node_by_year.pub_year,
        mesh_node_by_year.article_count,
        mesh_node_by_year.major_article_count,
        articles_per_year.year_article_count
    from mesh_node_by_year
    inner join articles_per_year using (pub_year)
    where mesh_node_by_year.tree_number = getvariable('tree_number')
    order by mesh_node_by_year.pub_year
)

select * from final;
