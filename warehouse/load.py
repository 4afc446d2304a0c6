"""Load one input file into the warehouse: one transaction, newest wins, nothing half-loaded.

Batches from a parser are normalized and staged through Arrow into temporary tables; once the
whole file has been read, the SQL in `sql/load/` decides per PMID (insert, replace, unchanged,
skipped) and applies it together with the file's deletions, rejects and ledger row. A file that
cannot be read to its end changes nothing but a reject row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from warehouse import aggregates, vacuum
from warehouse.citation_collection import load_citation_collection
from warehouse.db import database_path, storage_fault
from warehouse.errors import DamagedFile, MemoryLimitTooLow, OlderVocabulary, UnsupportedFormat
from warehouse.formats.occ import OCC_FORMAT
from warehouse.formats.records import RECORD_TABLES, ParsedBatch
from warehouse.formats.registry import format_ranks, input_format, read_batches
from warehouse.inputs import file_order_key, read_excerpt, sha256_of
from warehouse.ledger import Action, DeletionReason, FileStatus, StagedStatus
from warehouse.memory import (
    INDEX_MIB_PER_MILLION,
    KIB_PER_TOUCHED_BLOCK,
    MEMORY_CEILING_FRACTION,
    memory_ceiling_mib,
    memory_limit_mib,
    raise_limit_to,
    removal_need,
    rollback_quietly,
    table_rows,
    within_memory,
)
from warehouse.normalize import SourceInfo, normalize_ahead
from warehouse.removal import PMID_TABLES, log_deletes, remove_rows
from warehouse.schema import read_sql
from warehouse.staging import (
    DELETIONS,
    REJECTS,
    WHOLE_FILE_ERRORS,
    StagedFile,
    SupersededRecords,
)
from warehouse.vocabulary import load_vocabulary

log = logging.getLogger(__name__)

EXCERPT_CHARS = 300


@dataclass
class FileResult:
    """What loading one file did; the counts of its `ingested_files` row."""

    source_file: str
    status: FileStatus
    format: str | None = None
    file_order_key: str | None = None
    records: int = 0
    inserted: int = 0
    replaced: int = 0
    unchanged: int = 0
    skipped: int = 0
    deleted: int = 0
    rejected: int = 0
    message: str | None = None
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


ProgressCallback = Callable[[int], None]


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    batch_size: int = 1000,
    flow_run_id: str | None = None,
    on_records: ProgressCallback | None = None,
) -> FileResult:
    """Load one file in one transaction; a file already in `ingested_files` is skipped.

    A DuckDB error caused by the warehouse file or its disk (full, read-only, damaged) rolls the
    file back and is raised as a `StorageError`; everything committed before it is kept.
    """
    started = datetime.now()
    source = str(path)
    sha256 = sha256_of(path)
    try:
        if (earlier := earlier_result(con, source, sha256)) is not None:
            return earlier

        def attempt() -> FileResult:
            result = _load_or_reject(con, path, started, batch_size, on_records, sha256)
            _record_file(con, result, sha256, started, flow_run_id)
            return result

        result = _compacting_when_due(con, lambda: within_memory(con, attempt, source))
    except duckdb.Error as exc:
        rollback_quietly(con)
        fault = storage_fault(database_path(con), exc)
        if fault is None:
            raise
        raise fault from exc
    result.seconds = (datetime.now() - started).total_seconds()
    return result


def _load_or_reject(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    started: datetime,
    batch_size: int,
    on_records: ProgressCallback | None,
    sha256: str,
) -> FileResult:
    """Detect the format and load the file, or reject it whole (the transaction stays open)."""
    key = file_order_key(path)
    try:
        fmt = input_format(path)
    except WHOLE_FILE_ERRORS as exc:
        return _reject_file(con, path, None, key, str(exc), started)
    if fmt.startswith("mesh-"):
        return _load_vocabulary(con, path, fmt, started, batch_size)
    if fmt == OCC_FORMAT:
        return _load_citation_collection(con, path, sha256, started, on_records)
    return _load_in_transaction(con, path, fmt, key, started, batch_size, on_records)


def _load_vocabulary(
    con: duckdb.DuckDBPyConnection, path: Path, fmt: str, started: datetime, batch_size: int
) -> FileResult:
    """Replace a MeSH vocabulary kind from the file, or reject the file whole (transaction open)."""
    result = FileResult(str(path), FileStatus.LOADED, fmt)
    con.begin()
    try:
        loaded = load_vocabulary(con, path, fmt.removeprefix("mesh-"), started, batch_size)
        result.records, result.message = loaded.records, loaded.describe()
        aggregates.refresh_vocabulary(con, started)
        return result
    except (DamagedFile, OlderVocabulary, UnsupportedFormat) as exc:
        con.rollback()
        return _reject_file(con, path, fmt, None, str(exc), started)
    except BaseException:
        con.rollback()
        raise


def _load_citation_collection(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha256: str,
    started: datetime,
    on_records: ProgressCallback | None,
) -> FileResult:
    """Replace the Open Citation Collection snapshot, or reject the file (transaction open)."""
    result = FileResult(str(path), FileStatus.LOADED, OCC_FORMAT)
    con.begin()
    try:
        scratch = Path(database_path(con)).parent
        result.records = load_citation_collection(con, path, sha256, started, scratch)
    except (DamagedFile, UnsupportedFormat) as exc:
        con.rollback()
        return _reject_file(con, path, OCC_FORMAT, None, str(exc), started)
    except BaseException:
        con.rollback()
        raise
    if on_records is not None:
        on_records(result.records)
    return result


def _load_in_transaction(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    key: str | None,
    started: datetime,
    batch_size: int,
    on_records: ProgressCallback | None,
) -> FileResult:
    """Stage and apply a whole file; on a damaged file roll back and reject it instead."""
    result = FileResult(str(path), FileStatus.LOADED, fmt, key)
    con.begin()
    try:
        _stage_batches(con, read_batches(path, fmt, batch_size), result, started, on_records)
        _apply_staged(con, result, key, started)
        return result
    except DamagedFile as exc:
        con.rollback()
        return _reject_file(con, path, fmt, key, str(exc), started)
    except BaseException:
        con.rollback()
        raise


def apply_staged(
    con: duckdb.DuckDBPyConnection, staged: StagedFile, *, flow_run_id: str | None = None
) -> FileResult:
    """Apply a file parsed into a staging folder, in one transaction, like `load_file` does."""
    path = Path(staged.source_file)
    if (earlier := earlier_result(con, staged.source_file, staged.sha256)) is not None:
        return earlier
    key, started = staged.file_order_key, staged.started
    if staged.status == StagedStatus.VOCABULARY:
        return load_file(con, path, flow_run_id=flow_run_id)

    def attempt() -> FileResult:
        if staged.status == StagedStatus.REJECTED:
            result = _reject_file(con, path, staged.format, key, staged.message or "", started)
        else:
            result = FileResult(staged.source_file, FileStatus.LOADED, staged.format, key)
            con.begin()
            try:
                _stage_parquet(con, staged, result)
                _apply_staged(con, result, key, started)
            except BaseException:
                con.rollback()
                raise
        _record_file(con, result, staged.sha256, started, flow_run_id)
        return result

    result = _compacting_when_due(con, lambda: within_memory(con, attempt, staged.source_file))
    result.seconds = (datetime.now() - started).total_seconds()
    return result


def _compacting_when_due(
    con: duckdb.DuckDBPyConnection, load: Callable[[], FileResult]
) -> FileResult:
    """Run a file's load; when tables are due for compaction (`warehouse.vacuum`), its commit's
    checkpoint compacts the tables the file wrote."""
    with vacuum.vacuum_when_due(con) as compacting:
        result = load()
        if compacting:
            con.execute("checkpoint")
    return result


def earlier_result(con: duckdb.DuckDBPyConnection, source: str, sha256: str) -> FileResult | None:
    """What an earlier load of the same bytes came to, or None when they are new.

    Bytes loaded before are `already-loaded`; bytes rejected whole before are
    `rejected-before`, a reject again (with the earlier reason), so that a rerun tells the truth.
    """
    earlier = con.execute(
        "select status, source_file from ingested_files where sha256 = ?"
        " order by started_at desc limit 1",
        [sha256],
    ).fetchone()
    if earlier is None:
        return None
    if earlier[0] != FileStatus.REJECTED:
        return FileResult(source, FileStatus.ALREADY_LOADED, message="same bytes already loaded")
    reason = con.execute(
        "select reason from rejects where source_file = ? and position is null"
        " order by rejected_at desc limit 1",
        [earlier[1]],
    ).fetchone()
    return FileResult(
        source,
        FileStatus.REJECTED_BEFORE,
        rejected=1,
        message=f"rejected before, same bytes: {reason[0] if reason else 'rejected whole'}",
    )


def _stage_batches(
    con: duckdb.DuckDBPyConnection,
    batches: Iterable[ParsedBatch],
    result: FileResult,
    started: datetime,
    on_records: ProgressCallback | None,
) -> None:
    """Normalize every batch and insert it into the staging tables."""
    info = SourceInfo(result.format, result.source_file, result.file_order_key, started)
    _create_staging(con)
    superseded = SupersededRecords()
    for batch, frames in normalize_ahead(batches, info):
        superseded.note(frames)
        _stage(con, frames, batch)
        _stage_rejects(con, batch, result.source_file, result.format, started)
        result.records += batch.records
        result.rejected += len(batch.rejects)
        if on_records:
            on_records(batch.records)
    _drop_superseded(con, superseded.superseded)


def _stage_parquet(con: duckdb.DuckDBPyConnection, staged: StagedFile, result: FileResult) -> None:
    """Fill the staging tables from a staging folder (the parallel path's `_stage_batches`)."""
    _create_staging(con)
    for table in RECORD_TABLES:
        path = staged.table_path(table)
        if path is not None:
            con.execute(read_sql("load/stage_parquet.sql").replace("{table}", table), [str(path)])
    _drop_superseded(con, staged.superseded)
    deletions = staged.extra_path(DELETIONS)
    if deletions is not None:
        con.execute(
            "insert into stage_deletions select pmid from read_parquet(?)", [str(deletions)]
        )
    rejects = staged.extra_path(REJECTS)
    if rejects is not None:
        con.execute(
            "insert into rejects select ?, position, ?, pmid, reason, excerpt, ? "
            "from read_parquet(?)",
            [staged.source_file, staged.format, staged.started, str(rejects)],
        )
    result.records, result.rejected = staged.records, staged.rejected


def _drop_superseded(
    con: duckdb.DuckDBPyConnection, superseded: list[tuple[int, str, int]]
) -> None:
    """Drop staged rows of PMIDs a later batch of the file brought again (both loaders)."""
    if not superseded:
        return
    frame = pl.DataFrame(
        superseded,
        schema={"pmid": pl.Int64, "table_name": pl.String, "keep_from": pl.Int64},
        orient="row",
    )
    con.register("superseded", frame.to_arrow())
    template = read_sql("load/drop_superseded.sql")
    for table in RECORD_TABLES:
        con.execute(template.replace("{table}", table))
    con.unregister("superseded")


def _apply_staged(
    con: duckdb.DuckDBPyConnection, result: FileResult, key: str | None, at: datetime
) -> None:
    """Decide and apply what is in the staging tables (the one apply path of both loaders)."""
    _apply(con, result, key, at)
    _drop_staging(con)


def _create_staging(con: duckdb.DuckDBPyConnection) -> None:
    for table in RECORD_TABLES:
        con.execute(f'create or replace temp table stage_{table} as from "{table}" limit 0')
    con.execute("create or replace temp table stage_deletions (pmid bigint)")


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
    *(f"changed_{table}" for table in (*RECORD_TABLES[1:], "citation_keys")),
    "learned_uis",
    "new_uis",
    "resolved_uis",
)
"""Temporary tables an apply creates beside the staging tables."""


def _drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    for table in (*RECORD_TABLES, "deletions"):
        con.execute(f"drop table if exists stage_{table}")
    for table in APPLY_TABLES:
        con.execute(f"drop table if exists {table}")


def _stage(
    con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame], batch: ParsedBatch
) -> None:
    """Insert a batch's frames into the staging tables through Arrow."""
    for table, frame in frames.items():
        if frame.height:
            con.register("incoming", frame.to_arrow())
            con.execute(f"insert into stage_{table} select * from incoming")
            con.unregister("incoming")
    if batch.deleted_pmids:
        con.register("incoming", pl.DataFrame({"pmid": batch.deleted_pmids}).to_arrow())
        con.execute("insert into stage_deletions select pmid from incoming")
        con.unregister("incoming")


def _stage_rejects(
    con: duckdb.DuckDBPyConnection, batch: ParsedBatch, source: str, fmt: str, at: datetime
) -> None:
    if not batch.rejects:
        return
    frame = _rejects_frame(batch, source, fmt, at)
    con.register("incoming", frame.to_arrow())
    con.execute("insert into rejects select * from incoming")
    con.unregister("incoming")


def _rejects_frame(batch: ParsedBatch, source: str, fmt: str, at: datetime) -> pl.DataFrame:
    return pl.DataFrame(
        [(source, r.position, fmt, r.pmid, r.reason, r.excerpt, at) for r in batch.rejects],
        schema={
            "source_file": pl.String,
            "position": pl.Int64,
            "format": pl.String,
            "pmid": pl.Int64,
            "reason": pl.String,
            "excerpt": pl.String,
            "rejected_at": pl.Datetime("us"),
        },
        orient="row",
    )


def _apply(
    con: duckdb.DuckDBPyConnection, result: FileResult, key: str | None, at: datetime
) -> None:
    """Decide per PMID, replace whole records, apply deletions, log changes (in the open
    transaction; `_record_file` commits).

    Every statement reads the staged file and only the rows of the PMIDs, names and citations it
    brings. Once `_decide` has run, two temp tables hold the file's effect: `pmids_removed` (rows
    to take out: replaced versions, merged surrogates, DeleteCitations) and `pmids_inserted`
    (staged records to put in); the rows move between them, in `_move_rows`.
    """
    _ensure_derived_tables(con)
    counts = _decide(con, key)
    _fill_staged_uis(con)
    _find_changed_rows(con)
    check_removal_memory(con)
    aggregates.subtract(con, "select pmid from pmids_removed", at)
    _move_rows(con)
    aggregates.add(con, "select pmid from pmids_inserted", at)
    _log_changes(con, result.source_file, key, at)
    _fill_pending_uis(con, at)
    aggregates.apply(con, at)
    result.deleted = con.execute("select count(*) from delete_decisions").fetchone()[0]
    result.inserted = counts.get(Action.INSERT, 0)
    result.replaced = counts.get(Action.REPLACE, 0)
    result.unchanged = counts.get(Action.UNCHANGED, 0)
    result.skipped = counts.get(Action.SKIPPED_OLDER, 0) + counts.get(Action.SKIPPED_POORER, 0)


def check_removal_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse, before any row moves, a file whose removals cannot fit the memory limit.

    Until the commit DuckDB pins `KIB_PER_TOUCHED_BLOCK` KiB per 2,048-row block in which a row
    is deleted or updated, per table, and removing an article's key loads its part of the PMID
    index (up to `INDEX_MIB_PER_MILLION` MiB per million articles). Removals spread over the
    PMID range touch one block per PMID and table (record tables and per-article aggregates),
    and the counts' refresh may touch every block of the other aggregates, so the need grows
    with the file's replaced and deleted PMIDs, up to about 12 bytes per warehouse row.
    """
    gone = con.execute("select count(*) from pmids_gone").fetchone()[0]
    changed = {
        table: con.execute(f"select count(*) from changed_{table}").fetchone()[0]
        for table in CHANGED_ROWS
    }
    changed["articles"] = con.execute("select count(*) from pmids_replaced").fetchone()[0]
    if not gone + changed["articles"]:
        return
    rows = table_rows(con)
    touched = {table: rows.get(table, 0) for table in aggregates.aggregate_tables()}
    touched |= {f"agg_{name}": gone + changed["articles"] for name in aggregates.ARTICLE_TABLES}
    touched |= {table: gone + changed.get(table, 0) for table in PMID_TABLES}
    need = removal_need(rows, touched, gone + changed["articles"])
    what = f"this file replaces {changed['articles']:,} and removes {gone:,} PMIDs"
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


CHANGED_ROWS = {
    **{table: f"stage_{table}" for table in RECORD_TABLES[1:]},
    "citation_keys": "(select pmid, citation_hash from staged_citations)",
}
"""Tables whose rows of a replaced PMID are replaced only when they differ, and their staged
rows."""


def _find_changed_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Split the file's PMIDs by move and find, per table, the replaced PMIDs whose rows differ
    (`changed_<table>`)."""
    for sql_file in ("pmids_gone", "pmids_replaced", "pmids_new"):
        con.execute(read_sql(f"load/{sql_file}.sql"))
    template = read_sql("load/changed_rows.sql")
    for table, staged in CHANGED_ROWS.items():
        con.execute(template.format(table=table, staged=staged))


def _move_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Take out the rows of `pmids_removed`, put in the staged rows of `pmids_inserted`.

    PMIDs gone for good leave every table (`remove_rows`). A replaced article's `articles` row is
    deleted and inserted again (an update of every column in place would make the checkpoint
    rewrite every column of each row group it touches), and only the tables whose rows changed
    have that PMID's rows deleted and inserted again: DuckDB pins memory per block it changes
    until the commit.
    """
    remove_rows(con, "pmids_gone")
    remove_rows(con, "pmids_replaced", ("pending_uis",))
    con.execute("delete from articles where pmid in (select pmid from pmids_replaced)")
    con.execute(
        "insert into articles select * from stage_articles "
        "where pmid in (select pmid from pmids_inserted)"
    )
    for table, staged in CHANGED_ROWS.items():
        changed = f"changed_{table}"
        con.execute(f'delete from "{table}" where pmid in (select pmid from {changed})')
        con.execute(
            f'insert into "{table}" select * from {staged} '
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
        "insert into changes select pmid, ?, action, record_hash, ? from decisions", [source, at]
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
    aggregates.subtract(con, "select pmid from refilled_pmids", at, only=aggregates.VOCABULARY)
    _run_per_named_ui(con, "load/fill_pending_uis.sql")
    aggregates.add(con, "select pmid from refilled_pmids", at, only=aggregates.VOCABULARY)
    con.execute("drop table refilled_pmids")


DERIVED_BUILDS = (
    ("name_uis", "load/build_name_uis.sql"),
    ("pending_uis", "load/build_pending_uis.sql"),
    ("citation_keys", "load/build_citation_keys.sql"),
)
"""Tables the loader maintains file by file, with the SQL that builds each from loaded rows."""


def _ensure_derived_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Build, once, a maintained table a warehouse made before it existed lacks."""
    built = {r[0] for r in con.execute("select table_name from derived_tables").fetchall()}
    for table, sql_file in DERIVED_BUILDS:
        if table in built:
            continue
        if sql_file == "load/build_citation_keys.sql":
            con.execute(read_sql("load/citation_key.sql"))
            con.execute(read_sql(sql_file))
        else:
            _run_per_named_ui(con, sql_file)
        con.execute("insert into derived_tables values (?, now())", [table])


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


def _reject_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str | None,
    key: str | None,
    reason: str,
    at: datetime,
) -> FileResult:
    """Record a whole-file reject (nothing else of the file is kept)."""
    excerpt = read_excerpt(path, EXCERPT_CHARS)
    con.begin()
    con.execute(
        "insert into rejects values (?, null, ?, null, ?, ?, ?)",
        [str(path), fmt, reason, excerpt, at],
    )
    log.warning("rejected %s: %s", path, reason)
    return FileResult(str(path), FileStatus.REJECTED, fmt, key, rejected=1, message=reason)


def _record_file(
    con: duckdb.DuckDBPyConnection,
    result: FileResult,
    sha256: str,
    started: datetime,
    flow_run_id: str | None,
) -> None:
    """Write the file's ledger row and commit the file's transaction."""
    con.execute(
        "insert into ingested_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?)",
        [
            result.source_file,
            sha256,
            result.status,
            result.format,
            result.file_order_key,
            result.records,
            result.inserted,
            result.replaced,
            result.unchanged,
            result.skipped,
            result.deleted,
            result.rejected,
            started,
            flow_run_id,
        ],
    )
    con.commit()
