"""Load one input file into the warehouse: one transaction, newest wins, nothing half-loaded.

A file that replaces or deletes more PMIDs than `apply_chunk_pmids` commits its plan first
(ledger status `applying`), then its rows in chunks (`warehouse.loading.apply.apply_chunks`),
then its `loaded` status. A load stopped between chunks leaves the file half applied: a load of
the same bytes finishes it (`_resume`), and no other file loads until then (`HalfAppliedFile`).

This module owns the file: an earlier load of the same bytes, its format, its staging (batches
from a parser are normalized and staged through Arrow into temporary tables, or a staging
folder's Parquet files are), whole-file rejects, the `ingested_files` row and the transaction.
Once the whole file is staged, `warehouse.loading.apply` decides per PMID and applies it in the same
transaction. A file that cannot be read to its end changes nothing but a reject row.
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
from warehouse.errors import DamagedFile, HalfAppliedFile, OlderVocabulary, UnsupportedFormat
from warehouse.formats.occ import OCC_FORMAT
from warehouse.formats.records import RECORD_TABLES, ParsedBatch, Reject
from warehouse.formats.registry import input_format, read_batches
from warehouse.inputs import file_order_key, read_excerpt, sha256_of
from warehouse.ledger import FileStatus, StagedStatus, half_applied_files, half_applied_message
from warehouse.loading import aggregates, vacuum
from warehouse.loading.apply import apply_chunks, apply_staging_tables, resume_staging_tables
from warehouse.loading.citation_collection import load_citation_collection
from warehouse.loading.memory import rollback_quietly, within_memory
from warehouse.loading.normalize import SourceInfo, normalize_ahead
from warehouse.loading.staging import (
    DELETIONS,
    REJECTS,
    WHOLE_FILE_ERRORS,
    StagedFile,
    SupersededRecords,
    rejects_frame,
)
from warehouse.loading.vocabulary import load_vocabulary
from warehouse.schema import read_sql
from warehouse.setting_fields import FIELDS
from warehouse.transaction import transaction

log = logging.getLogger(__name__)

EXCERPT_CHARS = 300
APPLY_CHUNK_PMIDS: int = FIELDS["apply_chunk_pmids"].default
APPLY_CHUNK_ABOVE_MIB: float = FIELDS["apply_chunk_above_mib"].default


@dataclass(frozen=True)
class ApplyPolicy:
    """How a file is applied. In chunks when it removes more than `chunk_pmids` PMIDs and
    applying it whole would pin more than `chunk_above_mib` MiB; then at most `chunk_pmids`
    removed PMIDs a chunk. With `aggregate_batch_pmids` the contribution of the PMIDs a file
    inserts is left pending and added with other files' (`aggregates.settle`) once more than
    that many are pending; 0 adds it in the file's transaction."""

    chunk_pmids: int = APPLY_CHUNK_PMIDS
    chunk_above_mib: float = APPLY_CHUNK_ABOVE_MIB
    aggregate_batch_pmids: int = 0


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
StageAgain = Callable[[FileResult, datetime], None]
"""Stage a half-applied file's bytes again into the staging tables (rows stamped with the
time given, no rejects written: its first load wrote them)."""


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    batch_size: int = 1000,
    apply_chunk_pmids: int = APPLY_CHUNK_PMIDS,
    apply_chunk_above_mib: float = APPLY_CHUNK_ABOVE_MIB,
    aggregate_batch_pmids: int = 0,
    flow_run_id: str | None = None,
    on_records: ProgressCallback | None = None,
) -> FileResult:
    """Load one file in one transaction (in chunks when it removes more than
    `apply_chunk_pmids` PMIDs and would pin more than `apply_chunk_above_mib` MiB whole); a
    file already in `ingested_files` is skipped. With `aggregate_batch_pmids` the aggregates'
    adds are batched across files (`ApplyPolicy`): the caller settles them at the run's end.

    A DuckDB error caused by the warehouse file or its disk (full, read-only, damaged) rolls the
    file back and is raised as a `StorageError`; everything committed before it is kept.
    """
    started = datetime.now()
    source = str(path)
    sha256 = sha256_of(path)
    policy = ApplyPolicy(apply_chunk_pmids, apply_chunk_above_mib, aggregate_batch_pmids)
    try:
        if (earlier := earlier_result(con, source, sha256)) is not None:
            return earlier
        if _half_applied(con, sha256):

            def stage_again(scratch: FileResult, at: datetime) -> None:
                batches = read_batches(path, scratch.format, batch_size)
                _stage_batches(con, batches, scratch, at, on_records, rejects=False)

            result = _resume(con, sha256, stage_again, policy)
        else:

            def attempt() -> FileResult:
                result = _load_or_reject(con, path, started, batch_size, on_records, sha256, policy)
                _record_file(con, result, sha256, started, flow_run_id)
                return result

            result = _compacting_when_due(
                con,
                lambda: _apply_planned(
                    con, within_memory(con, attempt, source), sha256, started, policy
                ),
            )
    except duckdb.Error as exc:
        rollback_quietly(con)
        fault = storage_fault(database_path(con), exc)
        if fault is None:
            raise
        raise fault from exc
    _settle_when_due(con, policy)
    result.seconds = (datetime.now() - started).total_seconds()
    return result


def _load_or_reject(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    started: datetime,
    batch_size: int,
    on_records: ProgressCallback | None,
    sha256: str,
    policy: ApplyPolicy,
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
    staged = FileResult(str(path), FileStatus.LOADED, fmt, key)
    return _load_in_transaction(con, path, staged, started, batch_size, on_records, policy, sha256)


def _load_vocabulary(
    con: duckdb.DuckDBPyConnection, path: Path, fmt: str, started: datetime, batch_size: int
) -> FileResult:
    """Replace a MeSH vocabulary kind from the file, or reject the file whole (transaction open)."""
    result = FileResult(str(path), FileStatus.LOADED, fmt)
    try:
        with transaction(con, commit=False):
            loaded = load_vocabulary(con, path, fmt.removeprefix("mesh-"), started, batch_size)
            result.records, result.message = loaded.records, loaded.describe()
            aggregates.refresh_vocabulary(con, started)
    except (DamagedFile, OlderVocabulary, UnsupportedFormat) as exc:
        return _reject_file(con, path, fmt, None, str(exc), started)
    return result


def _load_citation_collection(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha256: str,
    started: datetime,
    on_records: ProgressCallback | None,
) -> FileResult:
    """Replace the Open Citation Collection snapshot, or reject the file (transaction open)."""
    result = FileResult(str(path), FileStatus.LOADED, OCC_FORMAT)
    try:
        with transaction(con, commit=False):
            scratch = Path(database_path(con)).parent
            result.records = load_citation_collection(con, path, sha256, started, scratch)
    except (DamagedFile, UnsupportedFormat) as exc:
        return _reject_file(con, path, OCC_FORMAT, None, str(exc), started)
    if on_records is not None:
        on_records(result.records)
    return result


def _load_in_transaction(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    result: FileResult,
    started: datetime,
    batch_size: int,
    on_records: ProgressCallback | None,
    policy: ApplyPolicy,
    sha256: str,
) -> FileResult:
    """Stage and apply (or plan) a whole file into RESULT; on a damaged file roll back and
    reject it instead."""
    fmt, key = result.format, result.file_order_key
    try:
        with transaction(con, commit=False):
            _stage_batches(con, read_batches(path, fmt, batch_size), result, started, on_records)
            _apply_staged(con, result, started, policy, sha256)
    except DamagedFile as exc:
        return _reject_file(con, path, fmt, key, str(exc), started)
    return result


def apply_staged(
    con: duckdb.DuckDBPyConnection,
    staged: StagedFile,
    *,
    flow_run_id: str | None = None,
    apply_chunk_pmids: int = APPLY_CHUNK_PMIDS,
    apply_chunk_above_mib: float = APPLY_CHUNK_ABOVE_MIB,
    aggregate_batch_pmids: int = 0,
) -> FileResult:
    """Apply a file parsed into a staging folder, like `load_file` does."""
    policy = ApplyPolicy(apply_chunk_pmids, apply_chunk_above_mib, aggregate_batch_pmids)
    path = Path(staged.source_file)
    if (earlier := earlier_result(con, staged.source_file, staged.sha256)) is not None:
        return earlier
    key, started = staged.file_order_key, staged.started
    if staged.status == StagedStatus.VOCABULARY:
        return load_file(con, path, flow_run_id=flow_run_id)
    if _half_applied(con, staged.sha256):

        def stage_again(scratch: FileResult, at: datetime) -> None:
            _stage_parquet(con, staged, scratch, rejects=False)

        return _resume(con, staged.sha256, stage_again, policy)

    def attempt() -> FileResult:
        if staged.status == StagedStatus.REJECTED:
            result = _reject_file(con, path, staged.format, key, staged.message or "", started)
        else:
            result = FileResult(staged.source_file, FileStatus.LOADED, staged.format, key)
            with transaction(con, commit=False):
                _stage_parquet(con, staged, result)
                _apply_staged(con, result, started, policy, staged.sha256)
        _record_file(con, result, staged.sha256, started, flow_run_id)
        return result

    result = _compacting_when_due(
        con,
        lambda: _apply_planned(
            con,
            within_memory(con, attempt, staged.source_file),
            staged.sha256,
            started,
            policy,
        ),
    )
    _settle_when_due(con, policy)
    result.seconds = (datetime.now() - started).total_seconds()
    return result


def _half_applied(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    """True when these bytes are half applied (the load finishes them); raises
    `HalfAppliedFile` when another file is."""
    files = half_applied_files(con)
    if any(f.sha256 == sha256 for f in files):
        return True
    if files:
        raise HalfAppliedFile(half_applied_message(files))
    return False


def _apply_planned(
    con: duckdb.DuckDBPyConnection,
    result: FileResult,
    sha256: str,
    at: datetime,
    policy: ApplyPolicy,
) -> FileResult:
    """Move the rows of a file whose plan was just committed (status `applying`), chunk by
    chunk, and mark it loaded; any other result is returned as it is."""
    if result.status != FileStatus.APPLYING:
        return result
    applied = apply_chunks(con, sha256, at, policy.chunk_pmids)
    _drop_staging(con)
    log.info(
        "%s: applied in %d chunks of at most %d PMIDs",
        result.source_file,
        applied,
        policy.chunk_pmids,
    )
    result.status = FileStatus.LOADED
    return result


def _resume(
    con: duckdb.DuckDBPyConnection, sha256: str, stage_again: StageAgain, policy: ApplyPolicy
) -> FileResult:
    """Finish a file left half applied: stage its bytes again, read back the plan its first
    load committed, move the rows still to move. Its ledger row, `changes` and `deletions` are
    the first load's; its rows are stamped with the first load's start."""
    row = con.execute(
        "select source_file, format, file_order_key, records, inserted, replaced, unchanged,"
        " skipped, deleted, rejected, started_at from ingested_files"
        " where sha256 = ? and status = ?",
        [sha256, FileStatus.APPLYING],
    ).fetchone()
    result = FileResult(row[0], FileStatus.APPLYING, *row[1:10])
    result.message = "finished a file left half applied"
    started, at = datetime.now(), row[10]
    with transaction(con):
        stage_again(FileResult(row[0], FileStatus.APPLYING, row[1], row[2]), at)
        resume_staging_tables(con, sha256)
    result = _apply_planned(con, result, sha256, at, policy)
    result.seconds = (datetime.now() - started).total_seconds()
    return result


def _settle_when_due(con: duckdb.DuckDBPyConnection, policy: ApplyPolicy) -> None:
    """Settle the aggregates' pending adds once more than the policy's bound are pending (after
    the file committed). A failure leaves them pending, exactly recorded, for the run's close or
    the next writer: the file itself is loaded."""
    bound = policy.aggregate_batch_pmids
    if bound and aggregates.pending_articles(con) > bound:
        aggregates.settled_or_kept_pending(con)


def _compacting_when_due(
    con: duckdb.DuckDBPyConnection, load: Callable[[], FileResult]
) -> FileResult:
    """Run a file's load; when tables are due for compaction (`warehouse.loading.vacuum`), its
    commit's checkpoint compacts the tables the file wrote."""
    with vacuum.vacuum_when_due(con) as compacting:
        result = load()
        if compacting:
            con.execute("checkpoint")
    return result


def earlier_result(con: duckdb.DuckDBPyConnection, source: str, sha256: str) -> FileResult | None:
    """What an earlier load of the same bytes came to, or None when they are new.

    Bytes loaded before are `already-loaded`; bytes rejected whole before are
    `rejected-before`, a reject again (with the earlier reason), so that a rerun tells the truth.
    Bytes half applied are new to it: loading them again finishes them.
    """
    earlier = con.execute(
        "select status, source_file from ingested_files where sha256 = ?"
        " order by started_at desc limit 1",
        [sha256],
    ).fetchone()
    if earlier is None or earlier[0] == FileStatus.APPLYING:
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
    *,
    rejects: bool = True,
) -> None:
    """Normalize every batch and insert it into the staging tables (and its rejects into
    `rejects`, unless told not to)."""
    info = SourceInfo(result.format, result.source_file, result.file_order_key, started)
    _create_staging(con)
    superseded = SupersededRecords()
    for batch, frames in normalize_ahead(batches, info):
        superseded.note(frames)
        _stage(con, frames, batch)
        if rejects:
            _stage_rejects(con, batch, result.source_file, result.format, started)
        result.records += batch.records
        result.rejected += len(batch.rejects)
        if on_records:
            on_records(batch.records)
    _drop_superseded(con, superseded.superseded)


def _stage_parquet(
    con: duckdb.DuckDBPyConnection, staged: StagedFile, result: FileResult, *, rejects: bool = True
) -> None:
    """Fill the staging tables from a staging folder (the parallel path's `_stage_batches`)."""
    _create_staging(con)
    for table in RECORD_TABLES:
        if paths := staged.table_paths(table):
            sql = read_sql("load/stage_parquet.sql").replace("{table}", table)
            con.execute(sql, [[str(p) for p in paths]])
    _drop_superseded(con, staged.superseded)
    deletions = staged.extra_path(DELETIONS)
    if deletions is not None:
        con.execute(
            "insert into stage_deletions select pmid from read_parquet(?)", [str(deletions)]
        )
    rejected = staged.extra_path(REJECTS)
    if rejects and rejected is not None:
        _insert_rejects(
            con,
            "read_parquet(?)",
            [str(rejected)],
            staged.source_file,
            staged.format,
            staged.started,
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
    con: duckdb.DuckDBPyConnection,
    result: FileResult,
    at: datetime,
    policy: ApplyPolicy,
    sha256: str,
) -> None:
    """Decide and apply what is in the staging tables (the one apply path of both loaders), in
    the open transaction (`_record_file` commits); its counts go to RESULT. A file planned for
    chunks gets status `applying` and keeps its staging tables for `_apply_planned`."""
    key = result.file_order_key
    applied = apply_staging_tables(
        con,
        result.source_file,
        key,
        at,
        chunk_pmids=policy.chunk_pmids,
        chunk_above_mib=policy.chunk_above_mib,
        sha256=sha256,
        defer_aggregates=policy.aggregate_batch_pmids > 0,
    )
    for name, count in applied.ledger_counts().items():
        setattr(result, name, count)
    if applied.planned:
        result.status = FileStatus.APPLYING
        return
    _drop_staging(con)


def _create_staging(con: duckdb.DuckDBPyConnection) -> None:
    for table in RECORD_TABLES:
        con.execute(f'create or replace temp table stage_{table} as from "{table}" limit 0')
    con.execute("create or replace temp table stage_deletions (pmid bigint)")


def _drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    for table in (*RECORD_TABLES, "deletions"):
        con.execute(f"drop table if exists stage_{table}")


def _stage(
    con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame], batch: ParsedBatch
) -> None:
    """Insert a batch's frames into the staging tables through Arrow."""
    for table, frame in frames.items():
        if frame.height:
            con.register("incoming", frame.to_arrow())
            con.execute(f"insert into stage_{table} by name select * from incoming")
            con.unregister("incoming")
    if batch.deleted_pmids:
        con.register("incoming", pl.DataFrame({"pmid": batch.deleted_pmids}).to_arrow())
        con.execute("insert into stage_deletions select pmid from incoming")
        con.unregister("incoming")


def _stage_rejects(
    con: duckdb.DuckDBPyConnection, batch: ParsedBatch, source: str, fmt: str, at: datetime
) -> None:
    if batch.rejects:
        _insert_reject_records(con, batch.rejects, source, fmt, at)


def _insert_reject_records(
    con: duckdb.DuckDBPyConnection,
    rejects: list[Reject],
    source: str,
    fmt: str | None,
    at: datetime,
) -> None:
    con.register("incoming", rejects_frame(rejects).to_arrow())
    _insert_rejects(con, "incoming", [], source, fmt, at)
    con.unregister("incoming")


def _insert_rejects(
    con: duckdb.DuckDBPyConnection,
    records: str,
    params: list,
    source: str,
    fmt: str | None,
    at: datetime,
) -> None:
    """Insert into `rejects` the rows of RECORDS (a relation with the columns of
    `staging.rejects_frame`, taking PARAMS) with the columns their file gives them."""
    con.execute(
        "insert into rejects by name"
        f" select ? as source_file, ? as format, ? as rejected_at, * from {records}",
        [source, fmt, at, *params],
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
    with transaction(con, commit=False):
        _insert_reject_records(con, [Reject(None, None, reason, excerpt)], str(path), fmt, at)
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
    row = {
        "source_file": result.source_file,
        "sha256": sha256,
        "status": result.status,
        "format": result.format,
        "file_order_key": result.file_order_key,
        "records": result.records,
        "inserted": result.inserted,
        "replaced": result.replaced,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
        "deleted": result.deleted,
        "rejected": result.rejected,
        "started_at": started,
        "flow_run_id": flow_run_id,
    }
    values = ", ".join(f"? as {column}" for column in row)
    con.execute(
        f"insert into ingested_files by name select {values}, now() as finished_at",
        list(row.values()),
    )
    con.commit()
