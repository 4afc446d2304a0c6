"""One sync run: bring the warehouse up to date with an NLM mirror (baseline, then updates).

Files not yet in `ingested_files` are downloaded (retried by the one retry policy, verified
against their `.md5`) and loaded one by one in `file_order_key` order. A file that still fails
after its retries is reported and stops the run there, so that no later update is applied
before it; the next run starts again from that file. A mirror that does not resolve or refuses
connections stops the run at once (`HostUnreachable`, raised). Once a baseline is completely
loaded, the PMIDs it no longer holds are removed.

The `sync` flow (flows/sync.py) runs these steps as Prefect tasks; without a Prefect API the
CLI runs them as plain calls (`PLAIN_STEPS`), so nothing waits for a server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from warehouse.config import Settings
from warehouse.errors import DownloadFailed, HostUnreachable
from warehouse.ledger import FileStatus, known_file_keys
from warehouse.loading.load import FileResult, ProgressCallback
from warehouse.loading.rollover import drop_baseline_dropouts, missing_baseline_files
from warehouse.runs.writer import LoadOne, Publish, WriterSession, load_one_file, publish_quietly
from warehouse.sources.download import ByteCallback, MirrorFile, download, http_client, list_folder
from warehouse.sources.retries import RetryPolicy, retried

log = logging.getLogger(__name__)


@dataclass
class SyncResult:
    """What one sync did: files listed and pending, loads, failed downloads, rollover removals."""

    listed: int = 0
    pending: int = 0
    loaded: list[FileResult] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    not_attempted: int = 0
    baseline_removed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def list_mirror_files(
    mirror_url: str, folders: list[str], timeout_seconds: float, policy: RetryPolicy
) -> list[MirrorFile]:
    """The data files of the mirror's folders, in `file_order_key` order."""
    with http_client(timeout_seconds) as client:
        listed = [
            remote
            for folder in folders
            for remote in retried(
                lambda folder=folder: list_folder(client, mirror_url, folder),
                policy,
                f"listing {folder}",
            )
        ]
    return sorted(listed, key=lambda f: f.file_order_key)


def download_verified(
    remote: MirrorFile,
    directory: Path,
    timeout_seconds: float,
    policy: RetryPolicy,
    on_bytes: ByteCallback | None = None,
) -> Path:
    """Download one mirror file and verify its MD5, retried by POLICY."""
    with http_client(timeout_seconds) as client:
        path = retried(
            lambda: download(client, remote, directory, on_bytes=on_bytes), policy, remote.name
        )
    log.info("%s: downloaded and verified (%d bytes)", remote.name, path.stat().st_size)
    return path


def remove_baseline_dropouts(con: duckdb.DuckDBPyConnection, keys: list[str]) -> int:
    """Remove PMIDs that the completely loaded baseline KEYS no longer holds."""
    removed = drop_baseline_dropouts(con, keys)
    log.info("baseline %s complete: %d PMIDs no longer in it removed", keys[0][:2], removed)
    return removed


@dataclass(frozen=True)
class SyncSteps:
    """The steps of a sync: plain functions, or the `sync` flow's Prefect tasks."""

    list_files: Callable[[str, list[str], float, RetryPolicy], list[MirrorFile]]
    known_keys: Callable[[duckdb.DuckDBPyConnection], set[str]]
    download: Callable[[MirrorFile, Path, float, RetryPolicy, ByteCallback | None], Path]
    load_one: LoadOne
    rollover: Callable[[duckdb.DuckDBPyConnection, list[str]], int]
    publish: Publish


PLAIN_STEPS = SyncSteps(
    list_mirror_files,
    known_file_keys,
    download_verified,
    load_one_file,
    remove_baseline_dropouts,
    publish_quietly,
)


def sync_mirror(
    settings: Settings,
    baseline: bool = True,
    updates: bool = True,
    limit: int | None = None,
    on_bytes: ByteCallback | None = None,
    on_records: ProgressCallback | None = None,
    *,
    steps: SyncSteps = PLAIN_STEPS,
    run_id: str | None = None,
) -> SyncResult:
    """Download the mirror's files not yet ingested, verify them and load them in order."""
    if not settings.mirror_url:
        raise ValueError("sync needs settings.mirror_url (PUBMED_WAREHOUSE_MIRROR_URL)")
    policy, timeout = settings.retry_policy(), settings.download_timeout_seconds
    folders = [name for name, wanted in (("baseline", baseline), ("updates", updates)) if wanted]
    listed = steps.list_files(settings.mirror_url, folders, timeout, policy)
    result = SyncResult(listed=len(listed))
    with WriterSession(settings, steps, run_id=run_id, on_records=on_records) as session:
        known = steps.known_keys(session.con)
        pending = [f for f in listed if f.file_order_key not in known]
        result.pending = len(pending)
        todo = pending[:limit] if limit is not None else pending
        session.expect_files(len(todo))
        log.info(
            "%d files listed, %d not yet ingested, %d to do now", *map(len, (listed, pending, todo))
        )
        for position, remote in enumerate(todo):
            failure = _download_and_load(session, steps.download, remote, result, on_bytes)
            if failure is not None:
                result.failed[remote.name] = failure
                result.not_attempted = len(todo) - position - 1
                log.error("%s: %s; later files wait for the next run", remote.name, failure)
                break
        keys = [f.file_order_key for f in listed if f.folder == "baseline"]
        if keys and not missing_baseline_files(session.con, keys):
            result.baseline_removed = steps.rollover(session.con, keys)
            if result.baseline_removed:
                session.note_change()
    return result


def _download_and_load(
    session: WriterSession,
    download_step: Callable[..., Path],
    remote: MirrorFile,
    result: SyncResult,
    on_bytes: ByteCallback | None,
) -> str | None:
    """Download and load one file; returns why the run must stop there, else None."""
    settings = session.settings
    policy, timeout = settings.retry_policy(), settings.download_timeout_seconds
    was_there = (settings.download_dir / remote.name).exists()  # the user's copy: never removed
    try:
        path = download_step(remote, settings.download_dir, timeout, policy, on_bytes)
    except HostUnreachable:
        raise
    except DownloadFailed as exc:
        return str(exc)
    loaded = session.load(path)
    result.loaded.append(loaded)
    if loaded.status == FileStatus.FAILED:  # a storage fault: rolled back, the download kept
        return f"{loaded.message or 'not loaded'} (kept in {path.parent})"
    if not settings.keep_downloads and not was_there:
        path.unlink(missing_ok=True)
    return None
