-- One row per article whose contribution to the aggregates is not added yet (internal).
create table if not exists pending_aggregates (
    pmid bigint not null
);

comment on table pending_aggregates is 'One row per article (grain: pmid) inserted by a file of the current writer run whose contribution to the agg_* tables is not added yet; internal bookkeeping of the loader: a run adds those of several files at once, then empties this table before it publishes the readers'' copy. Rows left by a stopped run are added when a writer next opens the warehouse.';
comment on column pending_aggregates.pmid is 'Article whose contribution is still to add (articles.pmid).';
