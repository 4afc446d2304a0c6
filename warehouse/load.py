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

from warehouse.db import database_path, storage_fault
from warehouse.errors import DamagedFile, UnsupportedFormat
from warehouse.formats import parser_for
from warehouse.formats.records import CHILD_TABLES, RECORD_TABLES, ParsedBatch
from warehouse.inputs import (
    detect_format,
    file_order_key,
    open_input,
    read_excerpt,
    read_head,
    sha256_of,
)
from warehouse.normalize import SourceInfo, normalize_ahead
from warehouse.schema import read_sql
from warehouse.staging import DELETIONS, REJECTS, StagedFile

log = logging.getLogger(__name__)

EXCERPT_CHARS = 300
ACTIONS = ("insert", "replace", "unchanged", "skipped-older", "skipped-poorer")


@dataclass
class FileResult:
    """What loading one file did; the counts of its `ingested_files` row."""

    source_file: str
    status: str  # loaded | rejected | already-loaded
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
        if _already_loaded(con, sha256):
            return FileResult(source, "already-loaded", message="same bytes already loaded")
        result = _load_or_reject(con, path, started, batch_size, on_records)
        _record_file(con, result, sha256, started, flow_run_id)
    except duckdb.Error as exc:
        _rollback_quietly(con)
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
) -> FileResult:
    """Detect the format and load the file, or reject it whole (the transaction stays open)."""
    key = file_order_key(path)
    try:
        fmt = detect_format(read_head(path))
    except (UnsupportedFormat, DamagedFile) as exc:
        return _reject_file(con, path, None, key, str(exc), started)
    return _load_in_transaction(con, path, fmt, key, started, batch_size, on_records)


def _rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back whatever is open; a transaction the failure already ended is fine."""
    try:
        con.rollback()
    except duckdb.Error:
        return


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
    result = FileResult(str(path), "loaded", fmt, key)
    con.begin()
    try:
        _stage_batches(con, _read_batches(path, fmt, batch_size), result, started, on_records)
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
    if _already_loaded(con, staged.sha256):
        return FileResult(staged.source_file, "already-loaded", message="same bytes already loaded")
    key, started = staged.file_order_key, staged.started
    if staged.status == "rejected":
        result = _reject_file(con, path, staged.format, key, staged.message or "", started)
    else:
        result = FileResult(staged.source_file, "loaded", staged.format, key)
        con.begin()
        try:
            _stage_parquet(con, staged, result)
            _apply_staged(con, result, key, started)
        except BaseException:
            con.rollback()
            raise
    _record_file(con, result, staged.sha256, started, flow_run_id)
    result.seconds = (datetime.now() - started).total_seconds()
    return result


def _already_loaded(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    return (
        con.execute("select 1 from ingested_files where sha256 = ?", [sha256]).fetchone()
        is not None
    )


def _read_batches(path: Path, fmt: str, batch_size: int) -> Iterable[ParsedBatch]:
    """Parsed batches of a file, read lazily while the loader stages them."""
    parse = parser_for(fmt)
    with open_input(path) as stream:
        yield from parse(stream, batch_size)


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
    seen: set[int] = set()
    for batch, frames in normalize_ahead(batches, info):
        _drop_earlier_versions(con, frames["articles"], seen)
        _stage(con, frames, batch)
        _stage_rejects(con, batch, result.source_file, result.format, started)
        result.records += batch.records
        result.rejected += len(batch.rejects)
        if on_records:
            on_records(batch.records)


def _stage_parquet(con: duckdb.DuckDBPyConnection, staged: StagedFile, result: FileResult) -> None:
    """Fill the staging tables from a staging folder (the parallel path's `_stage_batches`)."""
    _create_staging(con)
    superseded = pl.DataFrame(
        staged.superseded,
        schema={"pmid": pl.Int64, "table_name": pl.String, "keep_from": pl.Int64},
        orient="row",
    )
    con.register("superseded", superseded.to_arrow())
    for table in RECORD_TABLES:
        path = staged.table_path(table)
        if path is not None:
            con.execute(read_sql("load/stage_parquet.sql").replace("{table}", table), [str(path)])
    con.unregister("superseded")
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


def _drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    for table in (*RECORD_TABLES, "deletions"):
        con.execute(f"drop table if exists stage_{table}")
    con.execute("drop table if exists decisions")
    con.execute("drop table if exists surrogate_map")
    con.execute("drop table if exists merged_surrogates")
    con.execute("drop table if exists delete_decisions")


def _drop_earlier_versions(
    con: duckdb.DuckDBPyConnection, articles: pl.DataFrame, seen: set[int]
) -> None:
    """A PMID met again later in the same file replaces its earlier staged record."""
    pmids = set(articles["pmid"].to_list())
    repeated = pmids & seen
    seen |= pmids
    if repeated:
        con.register("repeated", pl.DataFrame({"pmid": sorted(repeated)}).to_arrow())
        for table in RECORD_TABLES:
            con.execute(f"delete from stage_{table} where pmid in (select pmid from repeated)")
        con.unregister("repeated")


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
    """Decide per PMID, replace whole records, apply deletions, log changes; then commit."""
    _map_surrogates(con)
    con.execute(read_sql("load/decide.sql"))
    counts = dict(con.execute("select action, count(*) from decisions group by all").fetchall())
    applied = "select pmid from decisions where action in ('insert', 'replace')"
    replaced = "select pmid from decisions where action = 'replace'"
    for table in (*CHILD_TABLES, "articles"):
        con.execute(f'delete from "{table}" where pmid in ({replaced})')
    for table in RECORD_TABLES:
        con.execute(f'insert into "{table}" select * from stage_{table} where pmid in ({applied})')
    con.execute(
        """
        update articles set file_order_key = s.file_order_key, source_file = s.source_file
        from stage_articles as s
        where articles.pmid = s.pmid
          and s.pmid in (select pmid from decisions where action = 'unchanged' and newer_file)
        """
    )
    con.execute(
        "insert into changes select pmid, ?, action, record_hash, ? from decisions",
        [result.source_file, at],
    )
    _merge_surrogates(con, result.source_file, at)
    _fill_uis(con)
    result.deleted = _apply_deletions(con, result.source_file, key, at)
    result.inserted = counts.get("insert", 0)
    result.replaced = counts.get("replace", 0)
    result.unchanged = counts.get("unchanged", 0)
    result.skipped = counts.get("skipped-older", 0) + counts.get("skipped-poorer", 0)


NAMED_UIS = (
    ("terms", "descriptor_ui", "descriptor_name"),
    ("terms", "qualifier_ui", "qualifier_name"),
    ("supplementary_concepts", "concept_ui", "name"),
    ("publication_types", "type_ui", "name"),
)
"""(table, UI column, name column) pairs whose UIs are filled by name across records."""


def _fill_uis(con: duckdb.DuckDBPyConnection) -> None:
    """Give UI-less names the UI another row with the same name has (`sql/load/fill_uis.sql`)."""
    template = read_sql("load/fill_uis.sql")
    for table, ui, name in NAMED_UIS:
        con.execute(template.format(table=table, ui=ui, name=name))
    con.execute(read_sql("load/fill_substance_uis.sql"))


def _map_surrogates(con: duckdb.DuckDBPyConnection) -> None:
    """Give staged records that have no PMID the PMID of the real article they match."""
    con.execute(read_sql("load/citation_key.sql"))
    con.execute(read_sql("load/map_surrogates.sql"))
    for table in RECORD_TABLES:
        con.execute(
            f"""
            update stage_{table} as s set pmid = m.pmid
            from surrogate_map as m where s.pmid = m.surrogate_pmid
            """
        )


def _merge_surrogates(con: duckdb.DuckDBPyConnection, source: str, at: datetime) -> None:
    """Remove surrogate articles that a loaded real article stands for (logged as `delete`)."""
    con.execute(read_sql("load/citation_key.sql"))
    con.execute(read_sql("load/merge_surrogates.sql"))
    merged = "select surrogate_pmid from merged_surrogates"
    for table in RECORD_TABLES:
        con.execute(f'delete from "{table}" where pmid in ({merged})')
    con.execute(
        "insert into changes select surrogate_pmid, ?, 'delete', null, ? from merged_surrogates",
        [source, at],
    )


def _apply_deletions(
    con: duckdb.DuckDBPyConnection, source: str, key: str | None, at: datetime
) -> int:
    """Remove the PMIDs of the file's DeleteCitation from every table; returns how many."""
    con.execute(read_sql("load/decide_deletes.sql"), {"file_order_key": key})
    doomed = "select pmid from delete_decisions"
    for table in RECORD_TABLES:
        con.execute(f'delete from "{table}" where pmid in ({doomed})')
    con.execute(
        "insert into deletions select pmid, ?, ?, 'DeleteCitation', ? from delete_decisions",
        [source, key, at],
    )
    con.execute(
        "insert into changes select pmid, ?, 'delete', null, ? from delete_decisions", [source, at]
    )
    return con.execute("select count(*) from delete_decisions").fetchone()[0]


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
    return FileResult(str(path), "rejected", fmt, key, rejected=1, message=reason)


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
