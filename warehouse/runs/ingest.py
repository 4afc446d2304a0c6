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
from warehouse.inputs import discover, warehouse_own
from warehouse.ledger import FileStatus
from warehouse.loading.load import FileResult, ProgressCallback
from warehouse.loading.parallel import load_files, parse_pool, parse_processes
from warehouse.loading.vocabulary import superseded_vocabularies
from warehouse.runs.interrupts import queries_cut_short_interrupt
from warehouse.runs.writer import (
    LoadMany,
    LoadOne,
    Publish,
    WriterSession,
    describe,
    load_one_file,
    publish_quietly,
)

log = logging.getLogger(__name__)


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
            **settings.chunking(),
            staging_dir=settings.staging_dir,
            flow_run_id=run_id,
            on_records=on_records,
        )


def _logged_one(con, path, settings, run_id=None, on_records=None) -> FileResult:
    result = load_one_file(con, path, settings, run_id, on_records)
    log.log(logging.ERROR if result.status == FileStatus.FAILED else logging.INFO, describe(result))
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
    publish: Publish


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
    """Load files, folders or globs into `settings.db` in one writer session.

    Stops at the first file that failed for a storage fault (the files before it stay loaded);
    the session then publishes the readers' snapshot when something changed. `load_many`
    replaces the parallel step (the Dask cluster's).
    """
    target = settings.snapshot_path()
    found = steps.discover(paths)
    own = set(warehouse_own(found, settings.db, target))  # never read the warehouse itself
    superseded = superseded_vocabularies(f for f in found if f not in own)
    files = [f for f in found if f not in own and f not in superseded]
    skipped = [FileResult(str(p), FileStatus.SKIPPED, message=why) for p, why in superseded.items()]
    for path, why in superseded.items():
        log.warning("%s: %s", path, why)
    processes = 0 if load_many is not None else parse_processes(files, settings.workers)
    with (
        parse_pool(processes),  # the parsers start while the writer opens the warehouse
        WriterSession(settings, steps, run_id=run_id, on_records=on_records) as session,
    ):
        if processes:
            load_many = steps.load_many
        return skipped + session.load_files(files, load_many)
