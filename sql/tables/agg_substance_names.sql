-- One row per substance name: its UI and registry number.
create table if not exists agg_substance_names (
    substance_name varchar not null,
    substance_ui varchar,
    registry_number varchar,
    refreshed_at timestamp not null
);

comment on table agg_substance_names is 'One row per substance name ever loaded (grain: substance_name): the least UI and registry number the loaded rows of that name carry, kept from the rows each file inserts, in its transaction (in a run of several files, when the run adds their articles: a name whose only article left again before that is not learnt). Feeds the view substance_by_term.';
comment on column agg_substance_names.substance_name is 'Substance name (substances.name).';
comment on column agg_substance_names.substance_ui is 'MeSH unique identifier of the substance (D...... or C......).';
comment on column agg_substance_names.registry_number is 'CAS or EC registry number of the substance, 0 when it has none.';
comment on column agg_substance_names.refreshed_at is 'Start of the last file transaction that changed the row.';
