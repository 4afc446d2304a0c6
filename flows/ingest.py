"""The `ingest` flow: discover files, then load each in file order, one transaction per file."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from warehouse.db import connect
from warehouse.inputs import discover
from warehouse.load import FileResult, ProgressCallback, load_file
from warehouse.snapshot import default_snapshot_path, publish_snapshot


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


@task(name="publish-snapshot", cache_policy=NO_CACHE)
def publish_reader_snapshot(con, target: Path) -> Path:
    """Publish the read-only snapshot BI tools read while the next load holds the warehouse."""
    published = publish_snapshot(con, target)
    get_run_logger().info("published read-only snapshot %s", published)
    return published


def snapshot_is_stale(results: list[FileResult], target: Path) -> bool:
    """True when a file changed the warehouse this run or no snapshot exists yet."""
    return not target.exists() or any(r.status != "already-loaded" for r in results)


@flow(name="ingest", log_prints=False)
def ingest(
    paths: list[str],
    db: str = "pubmed.duckdb",
    batch_size: int = 2000,
    on_records: ProgressCallback | None = None,
    snapshot: str | None = None,
) -> list[FileResult]:
    """Load files, folders or globs of any supported format into the warehouse at `db`.

    After the files load, a read-only copy is published at `snapshot` (default
    `NAME.snapshot.duckdb` beside `NAME.duckdb`) for readers that must not wait for a load.
    """
    files = discover_files(paths)
    target = Path(snapshot) if snapshot else default_snapshot_path(db)
    con = connect(db)
    try:
        results = [load_one(con, path, batch_size, on_records) for path in files]
        if snapshot_is_stale(results, target):
            publish_reader_snapshot(con, target)
        return results
    finally:
        con.close()
