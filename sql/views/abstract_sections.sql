-- One row per section of an article's abstract. Its text is stored once, in articles.abstract
-- (sections joined by a space, labelled ones as "LABEL: text"): a section keeps where its text
-- lies there, and its own text only when that span would not give it exactly.
create or replace view abstract_sections as

select
    spans.pmid,
    spans.position,
    spans.label,
    spans.nlm_category,
    coalesce(spans.text, substring(articles.abstract, spans.text_start, spans.text_length))
        as text
from abstract_section_spans as spans
left join articles on spans.pmid = articles.pmid;

comment on view abstract_sections is 'One row per section of an article''s abstract (grain: pmid, position); an unstructured abstract is one section with NULL label. Parent: articles.pmid.';
comment on column abstract_sections.pmid is 'Article (articles.pmid).';
comment on column abstract_sections.position is 'Order of the section in the abstract, from 1.';
comment on column abstract_sections.label is 'Section label as printed (AbstractText/@Label), e.g. METHODS.';
comment on column abstract_sections.nlm_category is 'NLM''s normalized category of the section (BACKGROUND, OBJECTIVE, METHODS, RESULTS, CONCLUSIONS, UNASSIGNED).';
comment on column abstract_sections.text is 'Text of the section, inline markup flattened.';
