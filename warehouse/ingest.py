"""One ingest run: find the files, load them in file order, publish the readers' snapshot.

The `ingest` flow (flows/ingest.py) runs these steps as Prefect tasks; without a Prefect API
the CLI runs the same steps as plain calls (`PLAIN_STEPS`), so nothing waits for a server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.config import Settings
from warehouse.db import connect
from warehouse.errors import StorageError
from warehouse.inputs import discover, warehouse_own
from warehouse.interrupts import queries_cut_short_interrupt
from warehouse.ledger import FileStatus
from warehouse.load import FileResult, ProgressCallback, load_file
from warehouse.lock import writer_lock
from warehouse.parallel import load_files, parse_processes
from warehouse.readers.snapshot import publish_readers_copy
from warehouse.vocabulary import superseded_vocabularies

log = logging.getLogger(__name__)

LoadOne = Callable[
    [duckdb.DuckDBPyConnection, Path, Settings, str | None, ProgressCallback | None], FileResult
]
LoadMany = Callable[
    [duckdb.DuckDBPyConnection, list[Path], Settings, str | None, ProgressCallback | None],
    list[FileResult],
]


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
                con, path, batch_size=settings.batch_size, flow_run_id=run_id, on_records=on_records
            )
    except StorageError as exc:
        return FileResult(str(path), "failed", message=str(exc))


def load_in_processes(
    con: duckdb.DuckDBPyConnection,
    files: list[Path],
    settings: Settings,
    run_id: str | None = None,
    on_records: ProgressCallback | None = None,
) -> list[FileResult]:
    """Parse files in child processes; apply them here in file order."""
    with queries_cut_short_interrupt():
        return load_files(
            con,
            files,
            workers=settings.workers,
            batch_size=settings.batch_size,
            staging_dir=settings.staging_dir,
            flow_run_id=run_id,
            on_records=on_records,
        )


def publish_quietly(con: duckdb.DuckDBPyConnection, target: Path) -> Path | None:
    """Publish the readers' snapshot; a full or read-only disk keeps the previous one (None)."""
    try:
        published = publish_readers_copy(con, target)
    except (duckdb.Error, OSError) as exc:
        log.warning("readers' copy %s not published: %s", target, exc)
        return None
    return published.path


def snapshot_is_stale(results: list[FileResult], target: Path) -> bool:
    """True when a file changed the warehouse this run or no snapshot exists yet."""
    return not target.exists() or any(not FileStatus(r.status).changed_nothing for r in results)


def _logged_one(con, path, settings, run_id=None, on_records=None) -> FileResult:
    result = load_one_file(con, path, settings, run_id, on_records)
    log.log(logging.ERROR if result.status == "failed" else logging.INFO, describe(result))
    return result


def _logged_many(con, files, settings, run_id=None, on_records=None) -> list[FileResult]:
    results = load_in_processes(con, files, settings, run_id, on_records)
    for result in results:
        log.info(describe(result))
    return results


@dataclass(frozen=True)
class IngestSteps:
    """The steps of a run: plain functions, or the `ingest` flow's Prefect tasks."""

    discover: Callable[[list[str]], list[Path]]
    load_one: LoadOne
    load_many: LoadMany
    publish: Callable[[duckdb.DuckDBPyConnection, Path], Path | None]


PLAIN_STEPS = IngestSteps(discover, _logged_one, _logged_many, publish_quietly)


def ingest_files(
    paths: list[str],
    settings: Settings,
    on_records: ProgressCallback | None = None,
    *,
    steps: IngestSteps = PLAIN_STEPS,
    run_id: str | None = None,
    load_many: LoadMany | None = None,
) -> list[FileResult]:
    """Load files, folders or globs into `settings.db`, holding the writer lock throughout.

    Stops at the first file that failed for a storage fault (the files before it stay loaded);
    then publishes the readers' snapshot when something changed. `load_many` replaces the
    parallel step (the Dask cluster's).
    """
    target = settings.snapshot_path()
    found = steps.discover(paths)
    own = set(warehouse_own(found, settings.db, target))  # never read the warehouse itself
    superseded = superseded_vocabularies(f for f in found if f not in own)
    files = [f for f in found if f not in own and f not in superseded]
    skipped = [FileResult(str(p), FileStatus.SKIPPED, message=why) for p, why in superseded.items()]
    for path, why in superseded.items():
        log.warning("%s: %s", path, why)
    with writer_lock(settings.db, settings.lock_timeout_seconds):
        con = connect(settings.db, memory_limit=settings.load_memory_limit)
        try:
            if load_many is not None or parse_processes(files, settings.workers):
                many = load_many or steps.load_many
                results = skipped + many(con, files, settings, run_id, on_records)
            else:
                results = skipped
                for path in files:
                    results.append(steps.load_one(con, path, settings, run_id, on_records))
                    if results[-1].status == "failed":
                        return results
            if snapshot_is_stale(results, target):
                steps.publish(con, target)
            return results
        finally:
            con.close()
