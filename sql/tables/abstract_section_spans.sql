-- One row per section of an article's abstract, its text kept as a span of articles.abstract.
create table if not exists abstract_section_spans (
    pmid bigint not null,
    position integer not null,
    label varchar,
    nlm_category varchar,
    text_start integer,
    text_length integer,
    text varchar
);

comment on table abstract_section_spans is 'One row per section of an article''s abstract (grain: pmid, position), kept for the view abstract_sections (internal bookkeeping: query that view): the text is stored once, in articles.abstract, and found there by the section''s span. Parent: articles.pmid.';
comment on column abstract_section_spans.pmid is 'Article (articles.pmid).';
comment on column abstract_section_spans.position is 'Order of the section in the abstract, from 1.';
comment on column abstract_section_spans.label is 'Section label as printed (AbstractText/@Label), e.g. METHODS.';
comment on column abstract_section_spans.nlm_category is 'NLM''s normalized category of the section.';
comment on column abstract_section_spans.text_start is 'Where the section''s text starts in articles.abstract, in characters from 1 (sql/load/abstract_spans.sql).';
comment on column abstract_section_spans.text_length is 'Length of the section''s text in characters; NULL when the section has no text.';
comment on column abstract_section_spans.text is 'The section''s text when it is not exactly substring(articles.abstract, text_start, text_length); NULL when it is (the text is then stored once, in articles.abstract).';
