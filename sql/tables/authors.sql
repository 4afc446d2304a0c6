-- One row per author (or investigator) position in an article.
create table if not exists authors (
    pmid bigint not null,
    position integer not null,
    last_name varchar,
    fore_name varchar,
    initials varchar,
    suffix varchar,
    collective_name varchar,
    orcid varchar,
    equal_contrib boolean,
    valid boolean,
    is_investigator boolean
);

comment on table authors is 'One row per author position in an article (grain: pmid, position); investigators follow the authors with is_investigator true. Parent: articles.pmid.';
comment on column authors.pmid is 'Article (articles.pmid).';
comment on column authors.position is 'Order in the author list from 1; investigators are numbered after the last author.';
comment on column authors.last_name is 'Family name (LastName, the part before the comma of MEDLINE FAU).';
comment on column authors.fore_name is 'Given names (ForeName).';
comment on column authors.initials is 'Initials of the given names (Initials).';
comment on column authors.suffix is 'Name suffix such as Jr or 3rd.';
comment on column authors.collective_name is 'Group author (CollectiveName, MEDLINE CN); the name columns are NULL on such rows.';
comment on column authors.orcid is 'ORCID iD as 0000-0000-0000-0000 (Identifier Source="ORCID", MEDLINE AUID).';
comment on column authors.equal_contrib is 'True when the author is marked as contributing equally (EqualContrib="Y").';
comment on column authors.valid is 'False for an author NLM marked invalid (ValidYN="N"); PubMed does not display them and MEDLINE leaves them out.';
comment on column authors.is_investigator is 'True for an investigator (InvestigatorList, MEDLINE IR), not an author.';
