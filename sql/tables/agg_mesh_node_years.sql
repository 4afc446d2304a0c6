-- One row per MeSH tree node and publication year: subtractable article counts.
create table if not exists agg_mesh_node_years (
    tree_number varchar not null,
    pub_year integer,
    article_count bigint not null,
    major_article_count bigint not null,
    refreshed_at timestamp not null
);

comment on table agg_mesh_node_years is 'One row per MeSH tree node and publication year (grain: tree_number, pub_year): article counts from agg_article_mesh_headings, each article counted once however many of its headings fall there. Kept in each file''s transaction by subtracting the PMIDs it removes and adding those it inserts, and recomputed when a MeSH vocabulary is loaded; a row whose counts fall to zero is kept with zeros (the view mesh_node_by_year leaves it out).';
comment on column agg_mesh_node_years.tree_number is 'Tree node (mesh_tree_numbers.tree_number; C10, C10.228, ...).';
comment on column agg_mesh_node_years.pub_year is 'Publication year of the articles (articles.pub_year), NULL for undated articles.';
comment on column agg_mesh_node_years.article_count is 'Articles of that year with at least one descriptor at or below the node.';
comment on column agg_mesh_node_years.major_article_count is 'Of those, articles with such a descriptor as a major topic.';
comment on column agg_mesh_node_years.refreshed_at is 'Start of the last file transaction that changed the row.';
