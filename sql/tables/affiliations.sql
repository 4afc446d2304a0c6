-- One row per affiliation of an author.
create table if not exists affiliations (
    pmid bigint not null,
    author_position integer not null,
    position integer not null,
    affiliation varchar using compression zstd,
    ror varchar,
    grid varchar
);

comment on table affiliations is 'One row per affiliation of an author (grain: pmid, author_position, position). Parent: authors (pmid, position).';
comment on column affiliations.pmid is 'Article (articles.pmid).';
comment on column affiliations.author_position is 'The author (authors.position).';
comment on column affiliations.position is 'Order of the affiliation among the author''s, from 1.';
comment on column affiliations.affiliation is 'Affiliation text (AffiliationInfo/Affiliation, MEDLINE AD).';
comment on column affiliations.ror is 'ROR identifier of the institution, when NLM gives one.';
comment on column affiliations.grid is 'GRID identifier of the institution, when NLM gives one.';
