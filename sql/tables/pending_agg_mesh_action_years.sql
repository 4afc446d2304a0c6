-- Change to agg_mesh_action_years not merged yet: rows of the articles that the chunks of a file
-- applied in chunks removed, counts negative (internal; merged after its last chunk).
create table if not exists pending_agg_mesh_action_years (
    action_ui varchar,
    pub_year integer,
    article_count bigint,
    major_article_count bigint
);

comment on table pending_agg_mesh_action_years is 'One row per key of agg_mesh_action_years and chunk of a file applied in chunks (grain: action_ui, pub_year, chunk; not unique): the counts of that chunk''s removed articles, negative, taken out with them and not merged into agg_mesh_action_years yet; internal bookkeeping of the loader: merged with the pending adds (pending_aggregates) after the file''s last chunk, and always before the readers'' copy is published.';
comment on column pending_agg_mesh_action_years.action_ui is 'Key of agg_mesh_action_years: descriptor UI of the action (mesh_pharmacological_actions.action_ui, or a descriptor above actions in the tree).';
comment on column pending_agg_mesh_action_years.pub_year is 'Key of agg_mesh_action_years: publication year of the articles (articles.pub_year), NULL for undated articles.';
comment on column pending_agg_mesh_action_years.article_count is 'Change to agg_mesh_action_years.article_count (negative: taken out).';
comment on column pending_agg_mesh_action_years.major_article_count is 'Change to agg_mesh_action_years.major_article_count (negative: taken out).';
