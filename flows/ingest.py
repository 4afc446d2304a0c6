"""The `ingest` flow: discover files, then load each in file order, one transaction per file."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from warehouse.db import connect
from warehouse.inputs import discover
from warehouse.load import FileResult, ProgressCallback, load_file


@task(name="discover-files")
def discover_files(paths: list[str]) -> list[Path]:
    """Files to load, in `file_order_key` order (baseline before updates, then the rest)."""
    return discover(paths)


@task(name="load-file", cache_policy=NO_CACHE)
def load_one(
    con, path: Path, batch_size: int, on_records: ProgressCallback | None = None
) -> FileResult:
    """Parse, normalize and load one file in one transaction."""
    result = load_file(
        con, path, batch_size=batch_size, flow_run_id=flow_run.get_id(), on_records=on_records
    )
    logger = get_run_logger()
    logger.info(
        "%s: %s, %d records, %d inserted, %d replaced, %d unchanged, %d skipped, "
        "%d deleted, %d rejected%s",
        path,
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
    return result


@flow(name="ingest", log_prints=False)
def ingest(
    paths: list[str],
    db: str = "pubmed.duckdb",
    batch_size: int = 2000,
    on_records: ProgressCallback | None = None,
) -> list[FileResult]:
    """Load files, folders or globs of any supported format into the warehouse at `db`."""
    files = discover_files(paths)
    con = connect(db)
    try:
        return [load_one(con, path, batch_size, on_records) for path in files]
    finally:
        con.close()
