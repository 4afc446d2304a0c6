-- One row per keyword of an article.
create table if not exists keywords (
    pmid bigint not null,
    position integer not null,
    keyword varchar not null,
    owner varchar,
    major boolean
);

comment on table keywords is 'One row per author or NLM keyword of an article (grain: pmid, position). Parent: articles.pmid.';
comment on column keywords.pmid is 'Article (articles.pmid).';
comment on column keywords.position is 'Order of the keyword in the record, from 1.';
comment on column keywords.keyword is 'The keyword, markup flattened.';
comment on column keywords.owner is 'Who assigned it: NOTNLM (author), NLM, NASA, PIP, KIE, HHS (KeywordList/@Owner, MEDLINE OTO).';
comment on column keywords.major is 'True when marked as a major topic (MajorTopicYN="Y").';
