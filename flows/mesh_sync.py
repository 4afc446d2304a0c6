"""The `mesh-sync` flow: the steps of `warehouse.runs.mesh_sync` as Prefect tasks.

Loads the MeSH year a MeSH folder serves when it is newer than the loaded one; see
`warehouse/runs/mesh_sync.py`. The CLI runs this flow when a Prefect API is configured, else the
same steps as plain calls.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.ingest import load_one, publish_reader_snapshot
from warehouse.config import Settings
from warehouse.loading.load import FileResult
from warehouse.runs.mesh_sync import (
    MeshSyncSteps,
    download_mesh_checked,
    list_mesh_files,
    loaded_years,
    sync_mesh,
)
from warehouse.sources.mesh_mirror import MeshFile
from warehouse.sources.retries import RetryPolicy

__all__ = ["loaded_years", "mesh_sync"]


@task(name="list-mesh")
def list_mesh(mesh_url: str, timeout_seconds: float, policy: RetryPolicy) -> list[MeshFile]:
    """The current MeSH year's files on the server, in load order."""
    return list_mesh_files(mesh_url, timeout_seconds, policy)


@task(name="download-mesh-file", cache_policy=NO_CACHE, timeout_seconds=3600)
def download_mesh_file(
    remote: MeshFile, directory: Path, timeout_seconds: float, policy: RetryPolicy
) -> Path:
    """Download one MeSH file, checked by its `.md5` or its size (retried by the policy)."""
    return download_mesh_checked(remote, directory, timeout_seconds, policy)


TASKS = MeshSyncSteps(list_mesh, download_mesh_file, load_one, publish_reader_snapshot)


@flow(name="mesh-sync", log_prints=False)
def mesh_sync(settings: Settings) -> list[FileResult]:
    """Download and load the MeSH files of a year newer than the loaded one; stop at a failure."""
    return sync_mesh(settings, steps=TASKS, run_id=flow_run.get_id())
