"""The `inbox` flow: load the files dropped into the inbox folder, then file them away."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run

from flows.ingest import load_one, publish_reader_snapshot
from warehouse.config import Settings
from warehouse.db import connect
from warehouse.errors import WarehouseError
from warehouse.inbox import DONE, FAILED, file_away, new_inbox_files
from warehouse.ingest import snapshot_is_stale
from warehouse.load import FileResult
from warehouse.lock import writer_lock


@task(name="find-inbox-files")
def find_inbox_files(inbox_dir: Path, settle_seconds: float) -> list[Path]:
    """Files waiting in the inbox, in load order."""
    return new_inbox_files(inbox_dir, settle_seconds)


@task(name="file-away", task_run_name="file away {path.name}")
def file_result(path: Path, inbox_dir: Path, result: FileResult) -> Path:
    """Move a loaded file to done/ (or failed/ when rejected as a whole), with its reason."""
    if result.status in ("rejected", "rejected-before"):
        return file_away(path, inbox_dir, FAILED, result.message)
    if result.status == "already-loaded":
        return file_away(path, inbox_dir, DONE, result.message)
    note = (
        f"{result.rejected} records rejected: see `pubmed-warehouse rejects`"
        if result.rejected
        else None
    )
    return file_away(path, inbox_dir, DONE, note)


@flow(name="inbox", log_prints=False)
def inbox(settings: Settings) -> list[FileResult]:
    """Load new files of any supported format from the inbox, then move them to done/ or failed/."""
    logger = get_run_logger()
    folder = settings.inbox_dir
    files = find_inbox_files(folder, settings.inbox_settle_seconds)
    if not files:
        logger.info("inbox %s: nothing new", folder)
        return []
    results = []
    with writer_lock(settings.db, settings.lock_timeout_seconds):
        con = connect(settings.db, memory_limit=settings.load_memory_limit)
        try:
            for path in files:
                try:
                    result = load_one(con, path, settings, flow_run.get_id())
                except WarehouseError as exc:
                    file_away(path, folder, FAILED, str(exc))
                    logger.error("%s: %s; moved to %s/", path.name, exc, FAILED)
                    continue
                if result.status == "failed":  # storage fault: the file stays for the next run
                    logger.error("%s: %s; left in the inbox", path.name, result.message)
                    results.append(result)
                    break
                moved = file_result(path, folder, result)
                logger.info("%s: %s, moved to %s", path.name, result.status, moved.parent)
                results.append(result)
            target = settings.snapshot_path()
            if results and snapshot_is_stale(results, target):
                publish_reader_snapshot(con, target)
        finally:
            con.close()
    return results
