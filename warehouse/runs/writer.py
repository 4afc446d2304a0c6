"""The writer session: how every command that writes the warehouse holds it.

`load`, `sync` (PubMed and MeSH), `inbox` and `fetch` each open one `WriterSession`: it takes the
writer lock (`warehouse.runs.lock`), opens the warehouse with `load_memory_limit`, loads files one
transaction each in the order given (the aggregates' adds batched across them,
`aggregate_batch_pmids`), stops at the first file that failed for a storage fault (the files
before it stay loaded), and on a normal close settles the aggregates' pending adds, then
publishes the readers' copy when the session changed the warehouse or no copy exists yet. An
exception (an interrupt, an unreachable host) closes the connection and releases the lock
without settling or publishing (the next writer's connection settles). The loading and the
publishing are steps (plain functions here, or the flows' Prefect tasks), so the session itself
never imports Prefect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

import duckdb

from warehouse.config import Settings
from warehouse.db import connect
from warehouse.errors import AggregatesPending, HalfAppliedFile, StorageError
from warehouse.ledger import FileStatus
from warehouse.loading.aggregates import settled_or_kept_pending
from warehouse.loading.load import FileResult, ProgressCallback, load_file
from warehouse.readers.snapshot import publish_readers_copy
from warehouse.runs.interrupts import queries_cut_short_interrupt
from warehouse.runs.lock import writer_lock

log = logging.getLogger(__name__)

LoadOne = Callable[
    [duckdb.DuckDBPyConnection, Path, Settings, str | None, ProgressCallback | None], FileResult
]
LoadMany = Callable[
    [duckdb.DuckDBPyConnection, list[Path], Settings, str | None, ProgressCallback | None],
    list[FileResult],
]
Publish = Callable[[duckdb.DuckDBPyConnection, Path, int], Path | None]
"""Publish the readers' snapshot at a path, catching up at most so many PMIDs per transaction
(`apply_chunk_pmids`)."""


def describe(result: FileResult) -> str:
    """One log line for a file's outcome."""
    return (
        f"{result.source_file}: {result.status}, {result.records} records, "
        f"{result.inserted} inserted, {result.replaced} replaced, {result.unchanged} unchanged, "
        f"{result.skipped} skipped, {result.deleted} deleted, {result.rejected} rejected"
        + (f" ({result.message})" if result.message else "")
    )


def load_one_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    settings: Settings,
    run_id: str | None = None,
    on_records: ProgressCallback | None = None,
) -> FileResult:
    """Load one file in one transaction; a storage fault is a `failed` result, not raised."""
    try:
        with queries_cut_short_interrupt():
            return load_file(
                con,
                path,
                batch_size=settings.batch_size,
                **settings.chunking(),
                flow_run_id=run_id,
                on_records=on_records,
            )
    except StorageError as exc:
        return FileResult(str(path), FileStatus.FAILED, message=str(exc))


def publish_quietly(con: duckdb.DuckDBPyConnection, target: Path, chunk_pmids: int) -> Path | None:
    """Publish the readers' snapshot (its catch-up removing at most `chunk_pmids` PMIDs' records
    per transaction); a full or read-only disk, or a file left half applied, keeps the previous
    one (None)."""
    try:
        published = publish_readers_copy(con, target, chunk_pmids=chunk_pmids)
    except (duckdb.Error, OSError, HalfAppliedFile, AggregatesPending) as exc:
        log.warning("readers' copy %s not published: %s", target, exc)
        return None
    return published.path


def snapshot_is_stale(results: Sequence[FileResult], target: Path) -> bool:
    """True when a file changed the warehouse this run or no snapshot exists yet."""
    return not target.exists() or any(changed_warehouse(r) for r in results)


def changed_warehouse(result: FileResult) -> bool:
    """True when loading this file wrote to the warehouse (it was read, not known before)."""
    return not FileStatus(result.status).changed_nothing


class WriterSteps(Protocol):
    """What a session runs: a command's steps (plain functions, or a flow's Prefect tasks)."""

    @property
    def load_one(self) -> LoadOne: ...

    @property
    def publish(self) -> Publish: ...


@dataclass(frozen=True)
class PlainWriterSteps:
    """The session's steps as plain calls, for commands run without Prefect."""

    load_one: LoadOne = load_one_file
    publish: Publish = publish_quietly


@contextmanager
def holding_warehouse(settings: Settings, *, check_opens: bool = False) -> Iterator[None]:
    """Hold the writer lock around a whole command, whose sessions take it again (re-entrant).

    CHECK_OPENS opens and closes the warehouse at once, so that a damaged or unwritable file
    fails before any progress is shown.
    """
    with writer_lock(settings.db, settings.lock_timeout_seconds):
        if check_opens:
            connect(settings.db).close()
        yield


class WriterSession:
    """One command's hold on the warehouse: lock, connection, loads in order, the publish."""

    def __init__(
        self,
        settings: Settings,
        steps: WriterSteps = PlainWriterSteps(),
        *,
        run_id: str | None = None,
        on_records: ProgressCallback | None = None,
    ) -> None:
        self.settings = settings
        self.run_id = run_id
        self.on_records = on_records
        self._load_one = steps.load_one
        self._publish = steps.publish
        self.results: list[FileResult] = []
        self._load_settings = self._batching(1)
        self._changed = False
        self._held = ExitStack()
        self._con: duckdb.DuckDBPyConnection | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The writer's connection (open between `__enter__` and `__exit__`)."""
        if self._con is None:
            raise RuntimeError("the writer session is not open")
        return self._con

    def __enter__(self) -> WriterSession:
        self._held.enter_context(writer_lock(self.settings.db, self.settings.lock_timeout_seconds))
        try:
            self._con = connect(self.settings.db, memory_limit=self.settings.load_memory_limit)
        except BaseException:
            self._held.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None and settled_or_kept_pending(self.con) and self.is_stale():
                self._publish(
                    self.con, self.settings.snapshot_path(), self.settings.apply_chunk_pmids
                )
        finally:
            try:
                self.con.close()
            finally:
                self._con = None
                self._held.close()

    def expect_files(self, count: int) -> None:
        """Say how many files the session is about to load: with more than one, the aggregates'
        adds of the PMIDs they insert are batched across them (`aggregate_batch_pmids`) and
        settled when the session closes; a file loaded alone adds them in its transaction, as
        batching one file would only add the settle's own merge and commit."""
        self._load_settings = self._batching(count)

    def _batching(self, files: int) -> Settings:
        if files > 1:
            return self.settings
        return self.settings.model_copy(update={"aggregate_batch_pmids": 0})

    def load(self, path: Path) -> FileResult:
        """Load one file in its own transaction (a storage fault is a `failed` result)."""
        result = self._load_one(self.con, path, self._load_settings, self.run_id, self.on_records)
        self.results.append(result)
        return result

    def load_files(
        self, paths: Sequence[Path], load_many: LoadMany | None = None
    ) -> list[FileResult]:
        """Load PATHS in the order given, stopping after the first that failed.

        LOAD_MANY (files parsed in processes or on a cluster, applied here in order) takes
        them all at once instead.
        """
        self.expect_files(len(paths))
        if load_many is not None:
            results = load_many(
                self.con, list(paths), self._load_settings, self.run_id, self.on_records
            )
            self.results += results
            return results
        results = []
        for path in paths:
            results.append(self.load(path))
            if results[-1].status == FileStatus.FAILED:
                break
        return results

    def note_change(self) -> None:
        """Say that the warehouse changed other than by loading a file (a baseline rollover)."""
        self._changed = True

    def is_stale(self) -> bool:
        """True when the readers' copy misses what this session did, or does not exist."""
        return self._changed or snapshot_is_stale(self.results, self.settings.snapshot_path())
