"""The `inbox` flow: the steps of `warehouse.runs.inbox.load_inbox` as Prefect tasks."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.runtime import flow_run

from flows.ingest import load_one, publish_reader_snapshot
from warehouse.config import Settings
from warehouse.loading.load import FileResult
from warehouse.runs.inbox import InboxSteps, file_loaded, load_inbox, new_inbox_files


@task(name="find-inbox-files")
def find_inbox_files(inbox_dir: Path, settle_seconds: float) -> list[Path]:
    """Files waiting in the inbox, in load order."""
    return new_inbox_files(inbox_dir, settle_seconds)


@task(name="file-away", task_run_name="file away {path.name}")
def file_result(path: Path, inbox_dir: Path, result: FileResult) -> Path:
    """Move a loaded file to done/ (or failed/ when rejected as a whole), with its reason."""
    return file_loaded(path, inbox_dir, result)


TASKS = InboxSteps(find_inbox_files, load_one, file_result, publish_reader_snapshot)


@flow(name="inbox", log_prints=False)
def inbox(settings: Settings) -> list[FileResult]:
    """Load new files of any supported format from the inbox, then move them to done/ or failed/."""
    return load_inbox(settings, steps=TASKS, run_id=flow_run.get_id())
