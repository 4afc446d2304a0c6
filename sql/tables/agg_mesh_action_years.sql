-- One row per pharmacological action and publication year: subtractable article counts.
create table if not exists agg_mesh_action_years (
    action_ui varchar not null,
    pub_year integer,
    article_count bigint not null,
    major_article_count bigint not null,
    refreshed_at timestamp not null
);

comment on table agg_mesh_action_years is 'One row per pharmacological action and publication year (grain: action_ui, pub_year): article counts from the direct headings (agg_article_mesh_headings), substances and supplementary concepts of the articles, each article counted once however many of its records have the action. Kept in each file''s transaction by subtracting the PMIDs it removes and adding those it inserts, and recomputed when a MeSH vocabulary is loaded; a row whose counts fall to zero is kept with zeros (the view mesh_pharmacological_action_by_year leaves it out).';
comment on column agg_mesh_action_years.action_ui is 'Descriptor UI of the action (mesh_pharmacological_actions.action_ui, or a descriptor above actions in the tree).';
comment on column agg_mesh_action_years.pub_year is 'Publication year of the articles (articles.pub_year), NULL for undated articles.';
comment on column agg_mesh_action_years.article_count is 'Articles of that year indexed with a substance record that has the action or one below it.';
comment on column agg_mesh_action_years.major_article_count is 'Of those, articles with such a substance as a major-topic heading.';
comment on column agg_mesh_action_years.refreshed_at is 'Start of the last file transaction that changed the row.';
