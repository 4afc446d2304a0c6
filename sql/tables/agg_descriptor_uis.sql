-- One row per MeSH descriptor name: its UI.
create table if not exists agg_descriptor_uis (
    descriptor_name varchar not null,
    descriptor_ui varchar,
    refreshed_at timestamp not null
);

comment on table agg_descriptor_uis is 'One row per MeSH descriptor name ever loaded (grain: descriptor_name): its UI, the least one the loaded rows of that name carry, kept from the rows each file inserts, in its transaction (in a run of several files, when the run adds their articles: a name whose only article left again before that is not learnt). Feeds the UI columns of the term views.';
comment on column agg_descriptor_uis.descriptor_name is 'MeSH descriptor name (terms.descriptor_name).';
comment on column agg_descriptor_uis.descriptor_ui is 'MeSH descriptor unique identifier (D......), NULL when no loaded record carries it.';
comment on column agg_descriptor_uis.refreshed_at is 'Start of the last file transaction that changed the row.';
