"""The inbox folder: files dropped there are loaded, then moved to `done/` or `failed/`.

Only files directly in the inbox are taken (not `done/`, `failed/` or other folders), in load
order; hidden files, `.part` downloads and checksum or note files are left alone, and so is a
file modified in the last `settle_seconds` (it may still be being copied in).

The `inbox` flow (flows/inbox.py) runs `load_inbox` with its steps as Prefect tasks.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from warehouse.config import Settings
from warehouse.errors import WarehouseError
from warehouse.inputs import load_order
from warehouse.ledger import FileStatus
from warehouse.loading.load import FileResult
from warehouse.runs.writer import LoadOne, Publish, WriterSession, load_one_file, publish_quietly

log = logging.getLogger(__name__)

DONE, FAILED = "done", "failed"
SKIPPED_SUFFIXES = {".part", ".md5", ".md", ".reason", ".tmp", ".crdownload"}


def new_inbox_files(inbox: Path, settle_seconds: float = 10.0) -> list[Path]:
    """Files waiting in the inbox, in load order (NLM files by number first)."""
    if not inbox.is_dir():
        return []
    settled_before = time.time() - settle_seconds
    found = [
        path
        for path in inbox.iterdir()
        if path.is_file()
        and not path.name.startswith(".")
        and path.suffix.lower() not in SKIPPED_SUFFIXES
        and path.stat().st_mtime <= settled_before
    ]
    return sorted(found, key=load_order)


def file_away(path: Path, inbox: Path, outcome: str, reason: str | None = None) -> Path:
    """Move a processed file to `done/` or `failed/`, with `<name>.reason` beside it if given.

    A name already taken there gets a numeric suffix (`name.1`, `name.2`, ...).
    """
    folder = inbox / outcome
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    counter = 0
    while target.exists():
        counter += 1
        target = folder / f"{path.name}.{counter}"
    shutil.move(path, target)
    if reason:
        target.with_name(target.name + ".reason").write_text(reason + "\n", encoding="utf-8")
    return target


def file_loaded(path: Path, inbox: Path, result: FileResult) -> Path:
    """Move a loaded file to done/ (or failed/ when rejected as a whole), with its reason."""
    status = FileStatus(result.status)
    if status.rejected_whole:
        return file_away(path, inbox, FAILED, result.message)
    if status == FileStatus.ALREADY_LOADED:
        return file_away(path, inbox, DONE, result.message)
    note = (
        f"{result.rejected} records rejected: see `pubmed-warehouse rejects`"
        if result.rejected
        else None
    )
    return file_away(path, inbox, DONE, note)


@dataclass(frozen=True)
class InboxSteps:
    """The steps of an inbox run: plain functions, or the `inbox` flow's Prefect tasks."""

    find: Callable[[Path, float], list[Path]]
    load_one: LoadOne
    file_loaded: Callable[[Path, Path, FileResult], Path]
    publish: Publish


PLAIN_STEPS = InboxSteps(new_inbox_files, load_one_file, file_loaded, publish_quietly)


def load_inbox(
    settings: Settings, *, steps: InboxSteps = PLAIN_STEPS, run_id: str | None = None
) -> list[FileResult]:
    """Load new files from the inbox in one writer session, then move each to done/ or failed/.

    A file that cannot be read as any format goes to failed/ with the reason; a storage fault
    stops the run and leaves its file in the inbox for the next run.
    """
    folder = settings.inbox_dir
    files = steps.find(folder, settings.inbox_settle_seconds)
    if not files:
        log.info("inbox %s: nothing new", folder)
        return []
    results = []
    with WriterSession(settings, steps, run_id=run_id) as session:
        session.expect_files(len(files))
        for path in files:
            try:
                result = session.load(path)
            except WarehouseError as exc:
                file_away(path, folder, FAILED, str(exc))
                log.error("%s: %s; moved to %s/", path.name, exc, FAILED)
                continue
            results.append(result)
            if result.status == FileStatus.FAILED:  # storage fault: the file stays for the next run
                log.error("%s: %s; left in the inbox", path.name, result.message)
                break
            moved = steps.file_loaded(path, folder, result)
            log.info("%s: %s, moved to %s", path.name, result.status, moved.parent)
    return results
