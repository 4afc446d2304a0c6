-- One row per comment / correction link of an article.
create table if not exists comments_corrections (
    pmid bigint not null,
    position integer not null,
    ref_type varchar not null,
    ref_pmid bigint,
    ref_source varchar
);

comment on table comments_corrections is 'One row per link from an article to a comment, erratum, retraction, update... (grain: pmid, position). Parent: articles.pmid.';
comment on column comments_corrections.pmid is 'Article carrying the link (articles.pmid).';
comment on column comments_corrections.position is 'Order of the link in the record, from 1.';
comment on column comments_corrections.ref_type is 'Link type as NLM writes it: CommentOn, CommentIn, ErratumIn, ErratumFor, RetractionIn, RetractionOf, UpdateOf, ...';
comment on column comments_corrections.ref_pmid is 'PMID of the linked article, when given.';
comment on column comments_corrections.ref_source is 'Citation of the linked article, e.g. Lancet. 2001 Jan 6;357(9249):1.';
