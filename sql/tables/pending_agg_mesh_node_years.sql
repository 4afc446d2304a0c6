-- Change to agg_mesh_node_years not merged yet: rows of the articles that the chunks of a file
-- applied in chunks removed, counts negative (internal; merged after its last chunk).
create table if not exists pending_agg_mesh_node_years (
    tree_number varchar,
    pub_year integer,
    article_count bigint,
    major_article_count bigint
);

comment on table pending_agg_mesh_node_years is 'One row per key of agg_mesh_node_years and chunk of a file applied in chunks (grain: tree_number, pub_year, chunk; not unique): the counts of that chunk''s removed articles, negative, taken out with them and not merged into agg_mesh_node_years yet; internal bookkeeping of the loader: merged with the pending adds (pending_aggregates) after the file''s last chunk, and always before the readers'' copy is published.';
comment on column pending_agg_mesh_node_years.tree_number is 'Key of agg_mesh_node_years: tree node (mesh_tree_numbers.tree_number; C10, C10.228, ...).';
comment on column pending_agg_mesh_node_years.pub_year is 'Key of agg_mesh_node_years: publication year of the articles (articles.pub_year), NULL for undated articles.';
comment on column pending_agg_mesh_node_years.article_count is 'Change to agg_mesh_node_years.article_count (negative: taken out).';
comment on column pending_agg_mesh_node_years.major_article_count is 'Change to agg_mesh_node_years.major_article_count (negative: taken out).';
