"""The `sync` flow: bring the warehouse up to date with an NLM mirror (baseline, then updates).

Files not yet in `ingested_files` are downloaded (retried with stepped backoff, verified against
their `.md5`) and loaded one by one in `file_order_key` order. A file that still fails after its
retries is reported and stops the run there, so that no later update is applied before it; the
next run starts again from that file. Once a baseline is completely loaded, the PMIDs it no
longer holds are removed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.ingest import load_one, publish_reader_snapshot
from warehouse.config import Settings
from warehouse.db import connect
from warehouse.download import ByteCallback, MirrorFile, download, http_client, list_folder
from warehouse.ingest import snapshot_is_stale
from warehouse.ledger import FileStatus
from warehouse.load import FileResult, ProgressCallback
from warehouse.lock import writer_lock
from warehouse.rollover import drop_baseline_dropouts, missing_baseline_files

RETRY_DELAYS_SECONDS = [10.0, 60.0, 300.0]


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


@task(name="list-mirror", retries=2, retry_delay_seconds=[5, 30])
def list_mirror(mirror_url: str, folders: list[str], timeout_seconds: float) -> list[MirrorFile]:
    """The data files of the mirror's folders, in `file_order_key` order."""
    with http_client(timeout_seconds) as client:
        listed = [f for folder in folders for f in list_folder(client, mirror_url, folder)]
    return sorted(listed, key=lambda f: f.file_order_key)


@task(name="known-files", cache_policy=NO_CACHE)
def known_keys(con) -> set[str]:
    """File order keys the warehouse has already processed (loaded or rejected)."""
    rows = con.execute(
        "select distinct file_order_key from ingested_files where file_order_key is not null"
    ).fetchall()
    return {row[0] for row in rows}


@task(
    name="download-file",
    task_run_name="download {remote.name}",
    cache_policy=NO_CACHE,
    timeout_seconds=3600,
)
def download_one(
    remote: MirrorFile,
    directory: Path,
    timeout_seconds: float,
    on_bytes: ByteCallback | None = None,
) -> Path:
    """Download one mirror file and verify its MD5 (a mismatch fails this attempt)."""
    with http_client(timeout_seconds) as client:
        path = download(client, remote, directory, on_bytes=on_bytes)
    get_run_logger().info(
        "%s: downloaded and verified (%d bytes)", remote.name, path.stat().st_size
    )
    return path


@task(name="baseline-rollover", cache_policy=NO_CACHE)
def baseline_rollover(con, keys: list[str]) -> int:
    """Remove PMIDs that the completely loaded baseline `keys` no longer holds."""
    removed = drop_baseline_dropouts(con, keys)
    get_run_logger().info(
        "baseline %s complete: %d PMIDs no longer in it removed", keys[0][:2], removed
    )
    return removed


@flow(name="sync", log_prints=False)
def sync(
    settings: Settings,
    baseline: bool = True,
    updates: bool = True,
    limit: int | None = None,
    retry_delay_seconds: list[float] | None = None,
    on_bytes: ByteCallback | None = None,
    on_records: ProgressCallback | None = None,
) -> SyncResult:
    """Download the mirror's files not yet ingested, verify them and load them in order."""
    logger = get_run_logger()
    if not settings.mirror_url:
        raise ValueError("sync needs settings.mirror_url (PUBMED_WAREHOUSE_MIRROR_URL)")
    timeout_seconds = settings.download_timeout_seconds
    folders = [name for name, wanted in (("baseline", baseline), ("updates", updates)) if wanted]
    listed = list_mirror(settings.mirror_url, folders, timeout_seconds)
    result = SyncResult(listed=len(listed))
    fetch = download_one.with_options(
        retries=settings.download_retries,
        retry_delay_seconds=RETRY_DELAYS_SECONDS
        if retry_delay_seconds is None
        else retry_delay_seconds,
    )
    with writer_lock(settings.db, settings.lock_timeout_seconds):
        con = connect(settings.db, memory_limit=settings.load_memory_limit)
        try:
            known = known_keys(con)
            pending = [f for f in listed if f.file_order_key not in known]
            result.pending = len(pending)
            todo = pending[:limit] if limit is not None else pending
            logger.info(
                "%d files listed, %d not yet ingested, %d to do now",
                len(listed),
                len(pending),
                len(todo),
            )
            for position, remote in enumerate(todo):
                state = fetch(
                    remote, settings.download_dir, timeout_seconds, on_bytes, return_state=True
                )
                if state.is_failed():
                    result.failed[remote.name] = state.message or "download failed"
                    result.not_attempted = len(todo) - position - 1
                    logger.error(
                        "%s: %s; later files wait for the next run", remote.name, state.message
                    )
                    break
                path = state.result()
                loaded = load_one(con, path, settings, flow_run.get_id(), on_records)
                result.loaded.append(loaded)
                if loaded.status == FileStatus.FAILED:  # a storage fault: rolled back, kept
                    result.failed[remote.name] = loaded.message or "not loaded"
                    result.not_attempted = len(todo) - position - 1
                    logger.error("%s kept in %s; later files wait", remote.name, path.parent)
                    break
                if not settings.keep_downloads:
                    path.unlink(missing_ok=True)
            keys = [f.file_order_key for f in listed if f.folder == "baseline"]
            if keys and not missing_baseline_files(con, keys):
                result.baseline_removed = baseline_rollover(con, keys)
            target = settings.snapshot_path()
            if result.baseline_removed or snapshot_is_stale(result.loaded, target):
                publish_reader_snapshot(con, target)
        finally:
            con.close()
    return result
