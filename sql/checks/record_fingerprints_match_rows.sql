-- Invariant: the fingerprints kept beside the rows (record_fingerprints) are those the rows
-- give: per article and child table (and citation_keys), its row count and the sum of its row
-- hashes modulo 2^64, as sql/load/table_fingerprints.sql computes them. A kept fingerprint that
-- wrongly matched a revised record's staged rows would leave its old rows in place. Each
-- article has one row once the table is built (derived_tables), and none is kept for a PMID
-- that is not loaded.
-- Violations: one row per article and table whose kept values differ from its rows', and per
-- PMID kept twice, kept without an article, or (once built) an article without one.
-- The computed values come from the loader's own query of them (the placeholder in `computed`,
-- filled in by warehouse.readers.checks from warehouse.loading.fingerprints), for the PMIDs kept.
with
computed as (
{loaded_record_fingerprints}
),

kept_values as (
    unpivot (select pmid, columns(* exclude (pmid))::hugeint from record_fingerprints)
    on columns(* exclude (pmid)) into name measure value kept
),

computed_values as (
    unpivot (select pmid, columns(* exclude (pmid))::hugeint from computed)
    on columns(* exclude (pmid)) into name measure value computed
),

compared as (
    select
        pmid,
        regexp_extract(measure, '^(.*)_(rows|fingerprint)$', 1) as table_name,
        regexp_extract(measure, '^(.*)_(rows|fingerprint)$', 2) as part,
        kept_values.kept,
        computed_values.computed
    from kept_values
    full join computed_values using (pmid, measure)
),

differing as (
    select
        pmid,
        table_name,
        max(kept) filter (where part = 'rows') as kept_rows,
        max(computed) filter (where part = 'rows') as rows,
        max(kept) filter (where part = 'fingerprint') as kept_fingerprint,
        max(computed) filter (where part = 'fingerprint') as fingerprint
    from compared
    group by pmid, table_name
    having bool_or(kept is distinct from computed)
),

misplaced as (
    select pmid, 'kept ' || count(*) || ' times' as table_name
    from record_fingerprints
    group by pmid
    having count(*) > 1
    union all
    select pmid, 'kept without an article'
    from record_fingerprints
    where pmid not in (select pmid from articles)
    union all
    select pmid, 'article without a row'
    from articles
    where pmid not in (select pmid from record_fingerprints)
      and exists (select 1 from derived_tables where table_name = 'record_fingerprints')
),

final as (
    select pmid, table_name, kept_rows, rows, kept_fingerprint, fingerprint
    from differing
    union all
    select pmid, table_name, null, null, null, null
    from misplaced
)

select * from final order by pmid, table_name
