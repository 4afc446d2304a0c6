"""Apply a file staged in the `stage_<table>` temp tables: decide per PMID, move the rows.

`warehouse.loading.load` owns the file (format, staging, whole-file rejects, ledger row,
transaction); this module owns what the staged file does to the warehouse, inside the file's open
transaction: the SQL in `sql/load/` decides per PMID (insert, replace, unchanged, skipped),
rows move between the staged file and the tables, names take their UIs, and `changes` and
`deletions` log it. Every statement reads the staged file and only the rows of the PMIDs, names
and citations it brings. Once `_decide` has run, two temp tables hold the file's effect:
`pmids_removed` (rows to take out: replaced versions, merged surrogates, DeleteCitations) and
`pmids_inserted` (staged records to put in); the rows move between them in `_move_rows`.

A file that removes more PMIDs than its `chunk_pmids` is applied in chunks instead: DuckDB pins
memory per block a transaction deletes from until it commits, so a file's removals spread over
the PMID range would hold memory in proportion to their number. Its plan transaction decides,
logs `changes` and `deletions`, learns and fills UIs and keeps the plan in `apply_plans`
(`apply_staging_tables` returns `planned`); `apply_chunks` then moves the rows, at most
`chunk_pmids` removed PMIDs per transaction, and marks the file loaded. A rerun after a stop
between chunks reads the plan back (`resume_staging_tables`) and moves only the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from functools import partial

import duckdb

from warehouse.errors import MemoryLimitTooLow
from warehouse.formats.records import RECORD_TABLES
from warehouse.formats.registry import format_ranks
from warehouse.ledger import Action, DeletionReason, FileStatus
from warehouse.loading import aggregates, fingerprints
from warehouse.loading.abstract_spans import stage_spans
from warehouse.loading.memory import (
    INDEX_MIB_PER_MILLION,
    KIB_PER_TOUCHED_BLOCK,
    MEMORY_CEILING_FRACTION,
    RemovalNeed,
    memory_ceiling_mib,
    memory_limit_mib,
    raise_limit_to,
    removal_need,
    rewrite_pays,
    table_rows,
    within_memory,
)
from warehouse.loading.removal import PMID_TABLES, log_deletes, remove_rows
from warehouse.schema import read_sql
from warehouse.transaction import transaction

CHANGED_ROWS = fingerprints.FINGERPRINTED
"""Tables whose rows of a replaced PMID are replaced only when they differ, and their staged
rows (`stage_abstract_section_spans` holds the staged sections as spans, `stage_spans`)."""

MOVED_ROWS = {**CHANGED_ROWS, fingerprints.TABLE: fingerprints.STAGED}
"""Tables whose rows of the file's PMIDs `_move_rows` writes from the staged file: the changed
tables, and the fingerprints kept for them (written again where some table's changed)."""

APPLY_TABLES = (
    "decisions",
    "surrogate_map",
    "merged_surrogates",
    "staged_citations",
    "delete_decisions",
    "pmids_removed",
    "pmids_inserted",
    "pmids_gone",
    "pmids_replaced",
    "pmids_new",
    *(f"changed_{table}" for table in MOVED_ROWS),
    *fingerprints.TEMP_TABLES,
    "learned_uis",
    "new_uis",
    "resolved_uis",
    "file_moves",
)
"""Temporary tables an apply creates beside the staging tables."""

NAMED_UIS = (
    ("descriptor", "terms", "descriptor_ui", "descriptor_name", "descriptor"),
    ("qualifier", "terms", "qualifier_ui", "qualifier_name", "qualifier"),
    ("concept", "supplementary_concepts", "concept_ui", "name", "concept"),
    ("publication_type", "publication_types", "type_ui", "name", "publication_type"),
    ("substance", "substances", "substance_ui", "name", "descriptor"),
)
"""(kind, table, UI column, name column, fallback kind) of the UIs filled by name across
records: a name takes the UI `name_uis` holds for its kind, else for the fallback kind (a
substance takes a descriptor's UI of the same name)."""


@dataclass(frozen=True)
class AppliedCounts:
    """What an apply did to the file's PMIDs; the counts of its `ingested_files` row."""

    inserted: int
    replaced: int
    unchanged: int
    skipped: int
    deleted: int
    planned: bool = False
    """True when the rows are still to move, chunk by chunk (`apply_chunks`)."""

    def ledger_counts(self) -> dict[str, int]:
        """The counts, by `ingested_files` column."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "planned"}


def apply_staging_tables(
    con: duckdb.DuckDBPyConnection,
    source_file: str,
    key: str | None,
    at: datetime,
    *,
    chunk_pmids: int | None = None,
    chunk_above_mib: float = 0.0,
    sha256: str | None = None,
    defer_aggregates: bool = False,
) -> AppliedCounts:
    """Decide per PMID, replace whole records, apply deletions, log changes (in the caller's
    open transaction), then drop the apply's temp tables; the staging tables are left.

    `key` is the file's `file_order_key` and `at` the time its rows are stamped with. A file
    removing more than `chunk_pmids` PMIDs whose removals would pin more than `chunk_above_mib`
    MiB in one transaction is only planned (kept in `apply_plans` under its
    `sha256`; `planned` is True): its rows move in `apply_chunks`, after the caller commits.
    With `defer_aggregates` the contribution of the PMIDs it inserts is left pending for
    `aggregates.settle` (what it removes is still taken out here, while the rows are there).
    """
    ensure_derived_tables(con)
    counts = _decide(con, key)
    _fill_staged_uis(con)
    _find_changed_rows(con)
    applied = AppliedCounts(
        inserted=counts.get(Action.INSERT, 0),
        replaced=counts.get(Action.REPLACE, 0),
        unchanged=counts.get(Action.UNCHANGED, 0),
        skipped=counts.get(Action.SKIPPED_OLDER, 0) + counts.get(Action.SKIPPED_POORER, 0),
        deleted=con.execute("select count(*) from delete_decisions").fetchone()[0],
    )
    if chunk_pmids is not None and _chunking_pays(con, chunk_pmids, chunk_above_mib):
        _plan_file(con, source_file, sha256, key, at)
        return AppliedCounts(**applied.ledger_counts(), planned=True)
    check_removal_memory(con)
    aggregates.subtract(con, "select pmid from pmids_removed", at)
    _move_rows(con)
    aggregates.add(con, "select pmid from pmids_inserted", at, defer=defer_aggregates)
    _log_changes(con, source_file, key, at)
    _fill_pending_uis(con, at)
    aggregates.apply(con, at)
    _drop_apply_tables(con)
    return applied


def resume_staging_tables(con: duckdb.DuckDBPyConnection, sha256: str) -> None:
    """Read back the plan of a file half applied (in the caller's open transaction), with the
    file staged again: the warehouse has changed under it, so nothing is decided anew.

    Its `changes`, `deletions` and learnt UIs were committed with the plan; the staged names
    take their UIs as they did then.
    """
    con.execute(read_sql("load/citation_key.sql"))
    _map_surrogates(con)
    plan = "from apply_plans where sha256 = $sha256"
    con.execute(
        "create or replace temp table decisions as select pmid, record_hash, step as action, "
        f"null::boolean as newer_file {plan} and step in ('insert', 'replace')",
        {"sha256": sha256},
    )
    con.execute(
        f"create or replace temp table delete_decisions as select pmid {plan} and step = 'delete'",
        {"sha256": sha256},
    )
    con.execute(
        "create or replace temp table merged_surrogates as select pmid as surrogate_pmid, "
        f"merged_into as pmid {plan} and step = 'merge'",
        {"sha256": sha256},
    )
    for sql_file in ("staged_citations", "pmids_removed", "pmids_inserted"):
        con.execute(read_sql(f"load/{sql_file}.sql"))
    _fill_staged_uis(con)


def apply_chunks(
    con: duckdb.DuckDBPyConnection, sha256: str, at: datetime, chunk_pmids: int
) -> int:
    """Move the rows of a planned file, each chunk in its own transaction, then mark the file
    loaded and drop its plan; returns how many chunks moved.

    A chunk takes out the rows of at most `chunk_pmids` removed PMIDs (in PMID order) and puts
    in their staged rows; the PMIDs only inserted go last, together. PMIDs already moved (by a
    run stopped between chunks) are left. The chunks' changes to the aggregates are merged
    once, after the last chunk has committed and the file is marked loaded (`aggregates.settle`,
    with any adds a writer run left pending); a stop before that leaves them pending for the
    next writer, and the readers' copy is not published meanwhile.
    """
    con.execute(read_sql("load/file_moves.sql"), {"chunk_pmids": chunk_pmids})
    chunks = con.execute("select coalesce(max(chunk) + 1, 0) from file_moves").fetchone()[0]
    for chunk in range(chunks):
        within_memory(con, partial(_apply_chunk, con, chunk, at), f"chunk {chunk + 1}/{chunks}")
    with transaction(con):
        con.execute(
            "update ingested_files set status = ?, finished_at = now()"
            " where sha256 = ? and status = ?",
            [FileStatus.LOADED, sha256, FileStatus.APPLYING],
        )
        con.execute("delete from apply_plans where sha256 = ?", [sha256])
    _drop_apply_tables(con)
    aggregates.settled_or_kept_pending(con)
    return chunks


def _apply_chunk(con: duckdb.DuckDBPyConnection, chunk: int, at: datetime) -> None:
    """Move one chunk of `file_moves` in its own transaction, through the whole file's steps
    with `pmids_removed` and `pmids_inserted` holding the chunk's PMIDs. The chunk's change to
    the counts aggregates is kept pending, and its adds deferred: the file's whole change is
    merged once, by `aggregates.settle` after the last chunk (`apply_chunks`)."""
    with transaction(con):
        for table, column in (("pmids_removed", "removed"), ("pmids_inserted", "inserted")):
            con.execute(
                f"create or replace temp table {table} as"
                f" select pmid from file_moves where chunk = ? and {column}",
                [chunk],
            )
        _find_changed_rows(con)
        check_removal_memory(con, aggregate_rows={})
        aggregates.subtract(con, "select pmid from pmids_removed", at)
        _move_rows(con)
        aggregates.add(con, "select pmid from pmids_inserted", at, defer=True)
        aggregates.keep_pending(con)
    # DuckDB lets go of what the chunk pinned at a checkpoint, which its commit only triggers
    # once the WAL passes `checkpoint_threshold`
    con.execute("checkpoint")


def _plan_file(
    con: duckdb.DuckDBPyConnection,
    source_file: str,
    sha256: str | None,
    key: str | None,
    at: datetime,
) -> None:
    """What a file applied in chunks does before any row moves: keep its plan, log its changes,
    fill the older rows waiting for the UIs it brought (the names it taught are known now, and
    only now: a rerun learns nothing new)."""
    if sha256 is None:
        raise ValueError("a file applied in chunks needs its sha256")
    con.execute(read_sql("load/plan_file.sql"), {"sha256": sha256})
    _log_changes(con, source_file, key, at)
    _fill_pending_uis(con, at)
    aggregates.apply(con, at)


def _removed_count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select count(*) from pmids_removed").fetchone()[0]


def _chunking_pays(con: duckdb.DuckDBPyConnection, chunk_pmids: int, above_mib: float) -> bool:
    """Chunks cost 1.5-3x the CPU of one transaction (a commit and an aggregate merge each), so
    a file is chunked only when it removes more than `chunk_pmids` PMIDs and applying it whole
    would pin more than `above_mib` MiB (`removal_need_of_file`)."""
    if _removed_count(con) <= chunk_pmids:
        return False
    found = removal_need_of_file(con)
    return found is not None and found[0].mib > above_mib


def _drop_apply_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in APPLY_TABLES:
        con.execute(f"drop table if exists {table}")
    con.execute("drop table if exists stage_abstract_section_spans")


def removal_need_of_file(
    con: duckdb.DuckDBPyConnection, aggregate_rows: dict[str, int] | None = None
) -> tuple[RemovalNeed, str] | None:
    """The memory DuckDB would pin applying the decided file (or chunk) in one transaction, and
    the file's removals in words; None when it replaces and removes nothing."""
    gone = con.execute("select count(*) from pmids_gone").fetchone()[0]
    changed = {
        table: con.execute(f"select count(*) from changed_{table}").fetchone()[0]
        for table in MOVED_ROWS
    }
    changed["articles"] = con.execute("select count(*) from pmids_replaced").fetchone()[0]
    if not gone + changed["articles"]:
        return None
    rows = table_rows(con)
    touched = removal_touched(rows, gone, changed, aggregate_rows)
    need = removal_need(rows, touched, gone + changed["articles"])
    what = f"this file replaces {changed['articles']:,} and removes {gone:,} PMIDs"
    return need, what


def removal_touched(
    rows: dict[str, int],
    gone: int,
    changed: dict[str, int],
    aggregate_rows: dict[str, int] | None = None,
) -> dict[str, int]:
    """Rows per table that applying a file (or chunk) in one transaction deletes or updates
    where they lie, for `removal_need`: `gone` PMIDs removed, `changed[table]` replaced PMIDs
    whose rows differ in each record table (`changed["articles"]`: PMIDs replaced).

    Each removed PMID's rows go from the record tables and the per-article aggregates. The
    other aggregates change at most `aggregate_rows[table]` rows (every row when unknown), in
    place only while that pins at most `memory.REWRITE_ABOVE_MIB`, else by a rewrite, which
    pins nothing (`memory.rewrite_pays`).
    """
    touched = {table: rows.get(table, 0) for table in aggregates.aggregate_tables()}
    if aggregate_rows is not None:
        touched = {table: min(n, aggregate_rows.get(table, 0)) for table, n in touched.items()}
    touched = {t: 0 if rewrite_pays(n, rows.get(t, 0)) else n for t, n in touched.items()}
    removed = gone + changed["articles"]
    touched |= {f"agg_{name}": removed for name in aggregates.ARTICLE_TABLES}
    return touched | {table: gone + changed.get(table, 0) for table in PMID_TABLES}


def check_removal_memory(
    con: duckdb.DuckDBPyConnection, aggregate_rows: dict[str, int] | None = None
) -> None:
    """Refuse, before any row moves, a file whose removals cannot fit the memory limit.

    A chunk (`_apply_chunk`) is checked with `aggregate_rows` `{}`: it merges nothing into the
    counts aggregates (its change is kept pending, `aggregates.keep_pending`).

    Until the commit DuckDB pins `KIB_PER_TOUCHED_BLOCK` KiB per 2,048-row block in which a row
    is deleted or updated, per table, and removing an article's key loads its part of the PMID
    index (up to `INDEX_MIB_PER_MILLION` MiB per million articles). Removals spread over the
    PMID range touch one block per PMID and table (record tables and per-article aggregates),
    so the need grows with the file's replaced and deleted PMIDs; the counts' merge pins at most
    `memory.REWRITE_ABOVE_MIB` per aggregate table, rewriting a table it would touch more of
    (`removal_touched`).
    """
    found = removal_need_of_file(con, aggregate_rows)
    if found is None:
        return
    need, what = found
    if raise_limit_to(con, need.mib, what):
        return
    raise MemoryLimitTooLow(
        f"{what} in a warehouse of {need.articles_m:.1f}M articles: DuckDB holds "
        f"{KIB_PER_TOUCHED_BLOCK} KiB per 2,048-row block it changes ({need.touched_blocks:,} "
        f"here) and up to {INDEX_MIB_PER_MILLION} MiB per million articles of the PMID index "
        f"until the commit, about {need.mib:,.0f} MiB, above the load memory limit of "
        f"{memory_limit_mib(con):,.0f} MiB and above {MEMORY_CEILING_FRACTION:.0%} of this "
        f"machine's memory ({memory_ceiling_mib():,.0f} MiB), the most a file raises it to by "
        f"itself. Nothing was changed: set PUBMED_WAREHOUSE_LOAD_MEMORY_LIMIT to at least "
        f"{need.mib:,.0f}MiB (on a machine with that much memory to spare) and load again"
    )


def _decide(con: duckdb.DuckDBPyConnection, key: str | None) -> dict[str, int]:
    """What the file does: per staged PMID, deletions, merged surrogates, PMIDs out and in."""
    con.execute(read_sql("load/citation_key.sql"))
    _map_surrogates(con)
    con.execute(read_sql("load/decide.sql"), format_ranks())
    con.execute(read_sql("load/decide_deletes.sql"), {"file_order_key": key})
    con.execute(read_sql("load/staged_citations.sql"))
    con.execute(read_sql("load/merge_surrogates.sql"))
    con.execute(read_sql("load/pmids_removed.sql"))
    con.execute(read_sql("load/pmids_inserted.sql"))
    return dict(con.execute("select action, count(*) from decisions group by all").fetchall())


def _find_changed_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Split the file's PMIDs by move and find, per table, the replaced PMIDs whose rows differ
    (`changed_<table>`), from the fingerprints kept beside the rows (`fingerprints`)."""
    for sql_file in ("pmids_gone", "pmids_replaced", "pmids_new"):
        con.execute(read_sql(f"load/{sql_file}.sql"))
    stage_spans(con)
    fingerprints.find_changed(con)


def _move_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Take out the rows of `pmids_removed`, put in the staged rows of `pmids_inserted`.

    PMIDs gone for good leave every table (`remove_rows`). A replaced article's `articles` row is
    deleted and inserted again (an update of every column in place would make the checkpoint
    rewrite every column of each row group it touches), and only the tables whose rows changed
    have that PMID's rows deleted and inserted again: DuckDB pins memory per block it changes
    until the commit. Its `record_fingerprints` row moves the same way, written again when some
    table's rows changed.
    """
    remove_rows(con, "pmids_gone")
    remove_rows(con, "pmids_replaced", ("pending_uis",))
    con.execute("delete from articles where pmid in (select pmid from pmids_replaced)")
    con.execute(
        "insert into articles by name select * from stage_articles "
        "where pmid in (select pmid from pmids_inserted)"
    )
    for table, staged in MOVED_ROWS.items():
        changed = f"changed_{table}"
        con.execute(f'delete from "{table}" where pmid in (select pmid from {changed})')
        con.execute(
            f'insert into "{table}" by name select * from {staged} '
            f"where pmid in (select pmid from pmids_new union all select pmid from {changed})"
        )
    _pend_uis(con)


def _log_changes(
    con: duckdb.DuckDBPyConnection, source: str, key: str | None, at: datetime
) -> None:
    """`changes` rows for every decision, merged surrogate and deletion; `deletions` rows."""
    con.execute(
        """
        update articles set file_order_key = s.file_order_key, source_file = s.source_file
        from stage_articles as s
        where articles.pmid = s.pmid
          and s.pmid in (select pmid from decisions where action = ? and newer_file)
        """,
        [Action.UNCHANGED],
    )
    con.execute(
        "insert into changes by name select pmid, ? as source_file, action, record_hash,"
        " ? as changed_at from decisions",
        [source, at],
    )
    merged = "(select surrogate_pmid as pmid from merged_surrogates)"
    log_deletes(con, merged, source, at)
    log_deletes(
        con,
        "delete_decisions",
        source,
        at,
        reason=DeletionReason.DELETE_CITATION,
        file_order_key=key,
    )


def _run_per_named_ui(con: duckdb.DuckDBPyConnection, sql_file: str) -> None:
    """Run a `sql/load/` template once per entry of `NAMED_UIS`."""
    template = read_sql(sql_file)
    for kind, table, ui, name, fallback in NAMED_UIS:
        con.execute(template.format(kind=kind, table=table, ui=ui, name=name, fallback=fallback))


def _fill_staged_uis(con: duckdb.DuckDBPyConnection) -> None:
    """Learn the UIs the file's records bring into `name_uis`, then fill its UI-less names."""
    con.execute("create or replace temp table learned_uis (kind varchar, name varchar, ui varchar)")
    _run_per_named_ui(con, "load/learn_uis.sql")
    con.execute(read_sql("load/merge_name_uis.sql"))
    _run_per_named_ui(con, "load/fill_uis.sql")


def _pend_uis(con: duckdb.DuckDBPyConnection) -> None:
    """Inserted rows still without a UI wait in `pending_uis` for a file that brings one."""
    _run_per_named_ui(con, "load/pend_uis.sql")


def _fill_pending_uis(con: duckdb.DuckDBPyConnection, at: datetime) -> None:
    """Older rows waiting for a UI that this file's names brought take it (`pending_uis`); the
    aggregates that read UIs take those articles out before and put them back after."""
    if not con.execute("select count(*) from new_uis").fetchone()[0]:
        return
    con.execute(read_sql("load/refilled_pmids.sql"))
    con.execute(read_sql("load/refingerprinted_pmids.sql"))
    aggregates.subtract(con, "select pmid from refilled_pmids", at, only=aggregates.VOCABULARY)
    _run_per_named_ui(con, "load/fill_pending_uis.sql")
    fingerprints.refresh(con, "refingerprinted_pmids")
    aggregates.add(con, "select pmid from refilled_pmids", at, only=aggregates.VOCABULARY)
    con.execute("drop table refilled_pmids")
    con.execute("drop table refingerprinted_pmids")


def ensure_derived_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Build, once, a maintained table a warehouse made before it existed lacks (or, for
    `record_fingerprints`, emptied since: `fingerprints.needs_build`)."""
    built = {r[0] for r in con.execute("select table_name from derived_tables").fetchall()}
    if fingerprints.needs_build(con):
        built.discard(fingerprints.TABLE)
    for table, build in DERIVED_BUILDS.items():
        if table in built:
            continue
        con.execute("delete from derived_tables where table_name = ?", [table])
        build(con)
        con.execute(
            "insert into derived_tables by name select ? as table_name, now() as built_at",
            [table],
        )


def _build_citation_keys(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(read_sql("load/citation_key.sql"))
    con.execute(read_sql("load/build_citation_keys.sql"))


DERIVED_BUILDS: dict[str, Callable[[duckdb.DuckDBPyConnection], None]] = {
    "name_uis": partial(_run_per_named_ui, sql_file="load/build_name_uis.sql"),
    "pending_uis": partial(_run_per_named_ui, sql_file="load/build_pending_uis.sql"),
    "citation_keys": _build_citation_keys,
    fingerprints.TABLE: fingerprints.build,
}
"""Tables the loader maintains file by file, and how each is built from the loaded rows."""


def _map_surrogates(con: duckdb.DuckDBPyConnection) -> None:
    """Give staged records that have no PMID the PMID of the real article they match."""
    if not con.execute("select 1 from stage_articles where pmid < 0 limit 1").fetchone():
        return
    con.execute(read_sql("load/map_surrogates.sql"))
    for table in RECORD_TABLES:
        con.execute(
            f"""
            update stage_{table} as s set pmid = m.pmid
            from surrogate_map as m where s.pmid = m.surrogate_pmid
            """
        )
