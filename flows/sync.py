"""The `sync` flow: the steps of `warehouse.runs.sync` as Prefect tasks, one per download.

Brings the warehouse up to date with an NLM mirror (baseline, then updates); see
`warehouse/runs/sync.py` for the order, the retries and the baseline rollover. The CLI runs this
flow when a Prefect API is configured (and `serve` deploys it), else the same steps as plain
calls.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.ingest import load_one, publish_reader_snapshot
from warehouse.config import Settings
from warehouse.ledger import known_file_keys
from warehouse.loading.load import ProgressCallback
from warehouse.runs.sync import (
    SyncResult,
    SyncSteps,
    download_verified,
    list_mirror_files,
    remove_baseline_dropouts,
    sync_mirror,
)
from warehouse.sources.download import ByteCallback, MirrorFile
from warehouse.sources.retries import RetryPolicy

__all__ = ["SyncResult", "sync"]


@task(name="list-mirror")
def list_mirror(
    mirror_url: str, folders: list[str], timeout_seconds: float, policy: RetryPolicy
) -> list[MirrorFile]:
    """The data files of the mirror's folders, in `file_order_key` order."""
    return list_mirror_files(mirror_url, folders, timeout_seconds, policy)


@task(name="known-files", cache_policy=NO_CACHE)
def known_keys(con) -> set[str]:
    """File order keys the warehouse has already processed (loaded or rejected)."""
    return known_file_keys(con)


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
    policy: RetryPolicy,
    on_bytes: ByteCallback | None = None,
) -> Path:
    """Download one mirror file and verify its MD5 (retried within the task by the policy)."""
    return download_verified(remote, directory, timeout_seconds, policy, on_bytes)


@task(name="baseline-rollover", cache_policy=NO_CACHE)
def baseline_rollover(con, keys: list[str]) -> int:
    """Remove PMIDs that the completely loaded baseline `keys` no longer holds."""
    return remove_baseline_dropouts(con, keys)


TASKS = SyncSteps(
    list_mirror, known_keys, download_one, load_one, baseline_rollover, publish_reader_snapshot
)


@flow(name="sync", log_prints=False)
def sync(
    settings: Settings,
    baseline: bool = True,
    updates: bool = True,
    limit: int | None = None,
    on_bytes: ByteCallback | None = None,
    on_records: ProgressCallback | None = None,
) -> SyncResult:
    """Download the mirror's files not yet ingested, verify them and load them in order."""
    return sync_mirror(
        settings,
        baseline,
        updates,
        limit,
        on_bytes,
        on_records,
        steps=TASKS,
        run_id=flow_run.get_id(),
    )
