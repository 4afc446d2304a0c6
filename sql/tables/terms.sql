-- One row per MeSH heading x qualifier of an article.
create table if not exists terms (
    pmid bigint not null,
    heading_position integer not null,
    descriptor_ui varchar,
    descriptor_name varchar not null,
    descriptor_major boolean,
    qualifier_ui varchar,
    qualifier_name varchar,
    qualifier_major boolean
);

comment on table terms is 'One row per MeSH heading x qualifier of an article (grain: pmid, heading_position, qualifier_name); a heading without qualifier is one row with NULL qualifier. Parent: articles.pmid.';
comment on column terms.pmid is 'Article (articles.pmid).';
comment on column terms.heading_position is 'Order of the heading in the article''s MeSH list, from 1.';
comment on column terms.descriptor_ui is 'MeSH descriptor unique identifier (D......); filled from other records for formats that carry names only.';
comment on column terms.descriptor_name is 'MeSH descriptor name, e.g. Migraine Disorders.';
comment on column terms.descriptor_major is 'True when the descriptor itself is a major topic (MajorTopicYN="Y", MEDLINE * on the descriptor).';
comment on column terms.qualifier_ui is 'MeSH qualifier unique identifier (Q......).';
comment on column terms.qualifier_name is 'MeSH qualifier (subheading) name, e.g. immunology; NULL for a heading without qualifier.';
comment on column terms.qualifier_major is 'True when this qualifier is a major topic; NULL when there is no qualifier.';
