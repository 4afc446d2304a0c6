-- Invariant: the fingerprints kept beside the rows (record_fingerprints) are those the rows
-- give: per article and child table (and citation_keys), its row count and the sum of its row
-- hashes modulo 2^64, as sql/load/table_fingerprints.sql computes them. A kept fingerprint that
-- wrongly matched a revised record's staged rows would leave its old rows in place. Each
-- article has one row once the table is built (derived_tables), and none is kept for a PMID
-- that is not loaded.
-- Violations: one row per article and table whose kept values differ from its rows', and per
-- PMID kept twice, kept without an article, or (once built) an article without one.
with
computed as (
    select 'abstract_section_spans' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from abstract_section_spans as r
    group by r.pmid
    union all
    select 'authors' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from authors as r
    group by r.pmid
    union all
    select 'affiliations' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from affiliations as r
    group by r.pmid
    union all
    select 'terms' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from terms as r
    group by r.pmid
    union all
    select 'supplementary_concepts' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from supplementary_concepts as r
    group by r.pmid
    union all
    select 'substances' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from substances as r
    group by r.pmid
    union all
    select 'publication_types' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from publication_types as r
    group by r.pmid
    union all
    select 'keywords' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from keywords as r
    group by r.pmid
    union all
    select 'grants' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from grants as r
    group by r.pmid
    union all
    select 'article_ids' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from article_ids as r
    group by r.pmid
    union all
    select 'references' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from "references" as r
    group by r.pmid
    union all
    select 'comments_corrections' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from comments_corrections as r
    group by r.pmid
    union all
    select 'history_dates' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from history_dates as r
    group by r.pmid
    union all
    select 'citation_keys' as table_name, r.pmid, count(*) as row_count,
        (sum(hash(r)) % 18446744073709551616)::ubigint as fingerprint
    from citation_keys as r
    group by r.pmid
),

kept as (
    select
        'abstract_section_spans' as table_name,
        pmid,
        abstract_section_spans_rows as row_count,
        abstract_section_spans_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'authors' as table_name,
        pmid,
        authors_rows as row_count,
        authors_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'affiliations' as table_name,
        pmid,
        affiliations_rows as row_count,
        affiliations_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'terms' as table_name,
        pmid,
        terms_rows as row_count,
        terms_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'supplementary_concepts' as table_name,
        pmid,
        supplementary_concepts_rows as row_count,
        supplementary_concepts_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'substances' as table_name,
        pmid,
        substances_rows as row_count,
        substances_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'publication_types' as table_name,
        pmid,
        publication_types_rows as row_count,
        publication_types_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'keywords' as table_name,
        pmid,
        keywords_rows as row_count,
        keywords_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'grants' as table_name,
        pmid,
        grants_rows as row_count,
        grants_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'article_ids' as table_name,
        pmid,
        article_ids_rows as row_count,
        article_ids_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'references' as table_name,
        pmid,
        references_rows as row_count,
        references_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'comments_corrections' as table_name,
        pmid,
        comments_corrections_rows as row_count,
        comments_corrections_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'history_dates' as table_name,
        pmid,
        history_dates_rows as row_count,
        history_dates_fingerprint as fingerprint
    from record_fingerprints
    union all
    select
        'citation_keys' as table_name,
        pmid,
        citation_keys_rows as row_count,
        citation_keys_fingerprint as fingerprint
    from record_fingerprints
),

differing as (
    select
        coalesce(k.pmid, c.pmid) as pmid,
        coalesce(k.table_name, c.table_name) as table_name,
        k.row_count as kept_rows,
        c.row_count as rows,
        k.fingerprint as kept_fingerprint,
        c.fingerprint as fingerprint
    from (select * from kept where row_count <> 0 or fingerprint <> 0) as k
    full join
        (select * from computed where pmid in (select pmid from record_fingerprints)) as c
        on k.pmid = c.pmid and k.table_name = c.table_name
    where k.row_count is distinct from c.row_count
       or k.fingerprint is distinct from c.fingerprint
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
