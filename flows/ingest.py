"""The `ingest` flow: the steps of `warehouse.runs.ingest` as Prefect tasks, one task run per file.

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

from warehouse.config import Settings
from warehouse.formats.xml_parts import Part
from warehouse.inputs import discover
from warehouse.ledger import FileStatus
from warehouse.loading.load import FileResult, ProgressCallback
from warehouse.loading.parallel import (
    AHEAD_PER_WORKER,
    apply_in_order,
    parts_per_file,
    staging_root,
)
from warehouse.loading.staging import StagedFile, stage_file
from warehouse.runs.ingest import IngestSteps, ingest_files, load_in_processes
from warehouse.runs.writer import describe, load_one_file, publish_quietly

CLUSTER_WORKERS = 4
"""Files parsed ahead on a Dask cluster: `AHEAD_PER_WORKER` times this (or `workers`)."""


@task(name="discover-files")
def discover_files(paths: list[str]) -> list[Path]:
    """Files to load, in `file_order_key` order (baseline before updates, then the rest)."""
    return discover(paths)


@task(name="load-file", task_run_name="load {path.name}", cache_policy=NO_CACHE)
def load_one(
    con,
    path: Path,
    settings: Settings,
    run_id: str | None = None,
    on_records: ProgressCallback | None = None,
) -> FileResult:
    """Parse, normalize and load one file in one transaction.

    A storage fault (disk full, read-only or damaged warehouse) is returned as a `failed` result
    with its message, not raised: the file was rolled back, and the flow stops there.
    """
    result = load_one_file(con, path, settings, run_id, on_records)
    _log_result(result)
    return result


@task(name="load-files-parallel", cache_policy=NO_CACHE)
def load_parallel(
    con,
    files: list[Path],
    settings: Settings,
    run_id: str | None = None,
    on_records: ProgressCallback | None = None,
) -> list[FileResult]:
    """Parse files in local processes (`parse_processes`); apply them here in file order."""
    results = load_in_processes(con, files, settings, run_id, on_records)
    for result in results:
        _log_result(result)
    return results


@task(name="stage-file", task_run_name="stage {path.name}", cache_policy=NO_CACHE)
def stage_one(path: Path, folder: Path, batch_size: int, part: Part | None = None) -> StagedFile:
    """Parse and normalize one file (or one part of it) into its staging folder (runs on a
    Dask worker).

    Retried (a lost worker) by the settings' retry policy: `_load_on_cluster` sets it.
    """
    return stage_file(path, folder, batch_size, part)


def _load_on_cluster(
    con,
    files: list[Path],
    settings: Settings,
    run_id: str | None,
    on_records: ProgressCallback | None,
) -> list[FileResult]:
    """Parse on the flow's Dask task runner; apply staged files here in file order.

    `workers` is how many cluster workers to keep busy (at least `CLUSTER_WORKERS`).
    """
    workers = max(settings.workers or 0, CLUSTER_WORKERS)
    policy = settings.retry_policy()
    stage = stage_one.with_options(
        retries=len(policy.delays_seconds), retry_delay_seconds=list(policy.delays_seconds)
    )
    with staging_root(settings.staging_dir) as root:
        results = apply_in_order(
            con,
            files,
            lambda path, folder, part: stage.submit(path, folder, settings.batch_size, part),
            root,
            ahead=workers * AHEAD_PER_WORKER,
            parts=parts_per_file(files, workers),
            batch_size=settings.batch_size,
            **settings.chunking(),
            flow_run_id=run_id,
            on_records=on_records,
        )
    for result in results:
        _log_result(result)
    return results


def _log_result(result: FileResult) -> None:
    logger = get_run_logger()
    (logger.error if result.status == FileStatus.FAILED else logger.info)(describe(result))


@task(name="publish-snapshot", cache_policy=NO_CACHE)
def publish_reader_snapshot(
    con: duckdb.DuckDBPyConnection, target: Path, chunk_pmids: int
) -> Path | None:
    """Publish the read-only snapshot BI tools read while the next load holds the warehouse.

    It replays what changed since the idle copy was last published, removing at most
    `chunk_pmids` PMIDs' records per transaction. A full or read-only disk leaves the previous
    copy in place and is logged: the run's files stay committed.
    """
    published = publish_quietly(con, target, chunk_pmids)
    logger = get_run_logger()
    if published is None:
        logger.warning("read-only snapshot %s not published (see the log above)", target)
    else:
        logger.info("published read-only snapshot %s", published)
    return published


TASKS = IngestSteps(discover_files, load_one, load_parallel, publish_reader_snapshot)


@flow(name="ingest", log_prints=False)
def ingest(
    paths: list[str],
    settings: Settings,
    on_records: ProgressCallback | None = None,
    on_cluster: bool = False,
) -> list[FileResult]:
    """Load files, folders or globs of any supported format into the warehouse `settings.db`.

    Holds the warehouse's writer lock for the whole run; stops at the first file that failed
    for a storage fault (the files before it stay loaded). After the files load, the read-only
    snapshot is published for readers that must not wait for a load.
    """
    return ingest_files(
        paths,
        settings,
        on_records,
        steps=TASKS,
        run_id=flow_run.get_id(),
        load_many=_load_on_cluster if on_cluster else None,
    )


def run_ingest(
    paths: list[str], settings: Settings, on_records: ProgressCallback | None = None
) -> list[FileResult]:
    """Run `ingest`, on the Dask cluster at `settings.dask_address` when one is set."""
    if settings.dask_address is None:
        return ingest(paths, settings, on_records)
    from prefect_dask import DaskTaskRunner

    on_dask = ingest.with_options(task_runner=DaskTaskRunner(address=settings.dask_address))
    return on_dask(paths, settings, on_records, on_cluster=True)
