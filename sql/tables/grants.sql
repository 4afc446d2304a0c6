-- One row per grant of an article.
create table if not exists grants (
    pmid bigint not null,
    position integer not null,
    grant_id varchar,
    acronym varchar,
    agency varchar,
    country varchar
);

comment on table grants is 'One row per grant supporting an article (grain: pmid, position). Parent: articles.pmid.';
comment on column grants.pmid is 'Article (articles.pmid).';
comment on column grants.position is 'Order of the grant in the record, from 1.';
comment on column grants.grant_id is 'Grant number as given (GrantID).';
comment on column grants.acronym is 'Institute acronym (Acronym), e.g. GM.';
comment on column grants.agency is 'Funding agency (Agency), e.g. NIGMS NIH HHS.';
comment on column grants.country is 'Country of the agency.';
