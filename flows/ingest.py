"""The `ingest` flow: discover files, then load each in file order, one transaction per file.

Small inputs load in this process; files of a baseline's size (or any with `workers` > 1) parse
in child processes, one per core unless `workers` says otherwise; with a Dask
address the parse tasks run on that cluster (prefect-dask) and this process stays the single
writer that applies staged files in `file_order_key` order.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from warehouse.db import connect
from warehouse.errors import StorageError
from warehouse.inputs import discover
from warehouse.load import FileResult, ProgressCallback, load_file
from warehouse.lock import writer_lock
from warehouse.parallel import (
    AHEAD_PER_WORKER,
    apply_in_order,
    load_files,
    parse_processes,
    staging_root,
)
from warehouse.snapshot import default_snapshot_path, publish_readers_copy
from warehouse.staging import StagedFile, stage_file

CLUSTER_WORKERS = 4
"""Files parsed ahead on a Dask cluster: `AHEAD_PER_WORKER` times this (or `workers`)."""


@task(name="discover-files")
def discover_files(paths: list[str]) -> list[Path]:
    """Files to load, in `file_order_key` order (baseline before updates, then the rest)."""
    return discover(paths)


@task(name="load-file", cache_policy=NO_CACHE)
def load_one(
    con, path: Path, batch_size: int, on_records: ProgressCallback | None = None
) -> FileResult:
    """Parse, normalize and load one file in one transaction.

    A storage fault (disk full, read-only or damaged warehouse) is returned as a `failed` result
    with its message, not raised: the file was rolled back, and the flow stops there.
    """
    try:
        result = load_file(
            con, path, batch_size=batch_size, flow_run_id=flow_run.get_id(), on_records=on_records
        )
    except StorageError as exc:
        get_run_logger().error("%s: not loaded: %s", path, exc)
        return FileResult(str(path), "failed", message=str(exc))
    _log_result(result)
    return result


@task(name="load-files-parallel", cache_policy=NO_CACHE)
def load_parallel(
    con,
    files: list[Path],
    batch_size: int,
    workers: int | None,
    staging: Path | None,
    on_records: ProgressCallback | None = None,
) -> list[FileResult]:
    """Parse files in local processes (`parse_processes`); apply them here in file order."""
    results = load_files(
        con,
        files,
        workers=workers,
        batch_size=batch_size,
        staging_dir=staging,
        flow_run_id=flow_run.get_id(),
        on_records=on_records,
    )
    for result in results:
        _log_result(result)
    return results


@task(name="stage-file", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def stage_one(path: Path, folder: Path, batch_size: int) -> StagedFile:
    """Parse and normalize one file into its staging folder (runs on a Dask worker)."""
    return stage_file(path, folder, batch_size)


def _load_on_cluster(
    con,
    files: list[Path],
    batch_size: int,
    workers: int | None,
    staging: Path | None,
    on_records,
) -> list[FileResult]:
    """Parse on the flow's Dask task runner; apply staged files here in file order.

    `workers` is how many cluster workers to keep busy (at least `CLUSTER_WORKERS`).
    """
    workers = max(workers or 0, CLUSTER_WORKERS)
    with staging_root(staging) as root:
        results = apply_in_order(
            con,
            files,
            lambda path, folder: stage_one.submit(path, folder, batch_size),
            root,
            ahead=workers * AHEAD_PER_WORKER,
            flow_run_id=flow_run.get_id(),
            on_records=on_records,
        )
    for result in results:
        _log_result(result)
    return results


def _log_result(result: FileResult) -> None:
    get_run_logger().info(
        "%s: %s, %d records, %d inserted, %d replaced, %d unchanged, %d skipped, "
        "%d deleted, %d rejected%s",
        result.source_file,
        result.status,
        result.records,
        result.inserted,
        result.replaced,
        result.unchanged,
        result.skipped,
        result.deleted,
        result.rejected,
        f" ({result.message})" if result.message else "",
    )


@task(name="publish-snapshot", cache_policy=NO_CACHE)
def publish_reader_snapshot(con, target: Path) -> Path | None:
    """Publish the readers' copy BI tools read while the next load holds the warehouse.

    It replays what changed since the idle copy was last published. A full or read-only disk
    leaves the previous copy in place and is logged: the run's files stay committed.
    """
    logger = get_run_logger()
    try:
        published = publish_readers_copy(con, target)
    except (duckdb.Error, OSError) as exc:
        logger.warning("readers' copy %s not published: %s", target, exc)
        return None
    logger.info(
        "published the readers' copy %s in %.2f s (%s, %d PMIDs replayed)",
        published.path,
        published.seconds,
        published.method,
        published.replayed.pmids,
    )
    return published.path


def snapshot_is_stale(results: list[FileResult], target: Path) -> bool:
    """True when a file changed the warehouse this run or no snapshot exists yet."""
    return not target.exists() or any(r.status != "already-loaded" for r in results)


@flow(name="ingest", log_prints=False)
def ingest(
    paths: list[str],
    db: str = "pubmed.duckdb",
    batch_size: int = 1000,
    on_records: ProgressCallback | None = None,
    snapshot: str | None = None,
    workers: int | None = None,
    staging: str | None = None,
    on_cluster: bool = False,
    memory_limit: str | None = None,
    lock_timeout_seconds: float = 10.0,
) -> list[FileResult]:
    """Load files, folders or globs of any supported format into the warehouse at `db`.

    Holds the warehouse's writer lock for the whole run; stops at the first file that failed
    for a storage fault (the files before it stay loaded). After the files load, a read-only
    copy is published at `snapshot` (default `NAME.snapshot.duckdb` beside `NAME.duckdb`) for
    readers that must not wait for a load.
    """
    files = discover_files(paths)
    target = Path(snapshot) if snapshot else default_snapshot_path(db)
    staging_dir = Path(staging) if staging else None
    with writer_lock(db, lock_timeout_seconds):
        con = connect(db, memory_limit=memory_limit)
        try:
            if on_cluster:
                results = _load_on_cluster(con, files, batch_size, workers, staging_dir, on_records)
            elif parse_processes(files, workers):
                results = load_parallel(con, files, batch_size, workers, staging_dir, on_records)
            else:
                results = []
                for path in files:
                    results.append(load_one(con, path, batch_size, on_records))
                    if results[-1].status == "failed":
                        return results
            if snapshot_is_stale(results, target):
                publish_reader_snapshot(con, target)
            return results
        finally:
            con.close()


def run_ingest(
    paths: list[str],
    db: str = "pubmed.duckdb",
    *,
    batch_size: int = 1000,
    workers: int | None = None,
    dask_address: str | None = None,
    staging: str | None = None,
    memory_limit: str | None = None,
    on_records: ProgressCallback | None = None,
    snapshot: str | None = None,
    lock_timeout_seconds: float = 10.0,
) -> list[FileResult]:
    """Run `ingest`, on the Dask cluster at `dask_address` (tcp://HOST:PORT) when given."""
    options = {
        "workers": workers,
        "staging": staging,
        "memory_limit": memory_limit,
        "snapshot": snapshot,
        "lock_timeout_seconds": lock_timeout_seconds,
    }
    if dask_address is None:
        return ingest(paths, db, batch_size, on_records, **options)
    from prefect_dask import DaskTaskRunner

    on_dask = ingest.with_options(task_runner=DaskTaskRunner(address=dask_address))
    return on_dask(paths, db, batch_size, on_records, on_cluster=True, **options)
