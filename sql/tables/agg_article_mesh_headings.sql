-- One row per article and MeSH descriptor UI it is indexed with, directly or through a
-- supplementary record's mapped headings; kept by the loader for the articles each file changes.
create table if not exists agg_article_mesh_headings (
    pmid bigint not null,
    descriptor_ui varchar not null,
    is_major boolean not null,
    via_supplementary boolean not null,
    refreshed_at timestamp not null
);

comment on table agg_article_mesh_headings is 'One row per article and MeSH descriptor UI (grain: pmid, descriptor_ui): the descriptors an article is indexed with plus those its supplementary records are mapped to, kept in each file''s transaction for the PMIDs it changes and rebuilt when a MeSH vocabulary is loaded (sql/aggregates/article_mesh_headings.sql holds the rule). Feeds the view article_mesh_headings and the MeSH roll-ups.';
comment on column agg_article_mesh_headings.pmid is 'Article (articles.pmid).';
comment on column agg_article_mesh_headings.descriptor_ui is 'MeSH descriptor UI (D......).';
comment on column agg_article_mesh_headings.is_major is 'True when the article has the descriptor as a major topic; a mapped heading alone is never major.';
comment on column agg_article_mesh_headings.via_supplementary is 'True when the article has the descriptor only through a supplementary record''s mapped heading.';
comment on column agg_article_mesh_headings.refreshed_at is 'Start of the file transaction that wrote the row.';
