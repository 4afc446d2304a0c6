-- One row per MeSH descriptor and publication year: subtractable article counts.
create table if not exists agg_mesh_descriptor_years (
    descriptor_ui varchar not null,
    pub_year integer,
    article_count bigint not null,
    major_article_count bigint not null,
    refreshed_at timestamp not null
);

comment on table agg_mesh_descriptor_years is 'One row per MeSH descriptor and publication year (grain: descriptor_ui, pub_year): article counts from agg_article_mesh_headings, each article counted once however many of its headings fall there. Kept in each file''s transaction by subtracting the PMIDs it removes and adding those it inserts, and recomputed when a MeSH vocabulary is loaded; a row whose counts fall to zero is kept with zeros (the view mesh_descriptor_rollup_by_year leaves it out).';
comment on column agg_mesh_descriptor_years.descriptor_ui is 'Descriptor whose subtree is counted (mesh_descriptors.descriptor_ui).';
comment on column agg_mesh_descriptor_years.pub_year is 'Publication year of the articles (articles.pub_year), NULL for undated articles.';
comment on column agg_mesh_descriptor_years.article_count is 'Articles of that year indexed with the descriptor or one below any of its tree numbers.';
comment on column agg_mesh_descriptor_years.major_article_count is 'Of those, articles with such a descriptor as a major topic.';
comment on column agg_mesh_descriptor_years.refreshed_at is 'Start of the last file transaction that changed the row.';
