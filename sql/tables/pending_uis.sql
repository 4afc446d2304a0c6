-- One row per UI-less name of an article that no loaded row has given a UI yet.
create table if not exists pending_uis (
    kind varchar not null,
    name varchar not null,
    pmid bigint not null
);

comment on table pending_uis is 'One row per kind, name and article (grain: kind, name, pmid) whose UI is still NULL because no loaded row gave that name a UI; the file that brings one fills these rows and removes them here. Maintained by the loader.';
comment on column pending_uis.kind is 'Which names: descriptor, qualifier, concept, publication_type or substance (as in name_uis).';
comment on column pending_uis.name is 'The name waiting for a UI.';
comment on column pending_uis.pmid is 'Article holding the UI-less row (articles.pmid).';
