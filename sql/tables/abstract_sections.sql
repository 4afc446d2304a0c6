-- One row per section of an article's abstract.
create table if not exists abstract_sections (
    pmid bigint not null,
    position integer not null,
    label varchar,
    nlm_category varchar,
    text varchar
);

comment on table abstract_sections is 'One row per section of an article''s abstract (grain: pmid, position); an unstructured abstract is one section with NULL label. Parent: articles.pmid.';
comment on column abstract_sections.pmid is 'Article (articles.pmid).';
comment on column abstract_sections.position is 'Order of the section in the abstract, from 1.';
comment on column abstract_sections.label is 'Section label as printed (AbstractText/@Label), e.g. METHODS.';
comment on column abstract_sections.nlm_category is 'NLM''s normalized category of the section (BACKGROUND, OBJECTIVE, METHODS, RESULTS, CONCLUSIONS, UNASSIGNED).';
comment on column abstract_sections.text is 'Text of the section, inline markup flattened.';
