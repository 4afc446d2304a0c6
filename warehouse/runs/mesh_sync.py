"""One MeSH sync: load the MeSH year a MeSH folder serves when it is newer than the loaded one.

The folder's latest year is listed; each kind (descriptors, qualifiers, supplementary) whose
loaded year is older, or that is not loaded, is downloaded (retried by the one retry policy,
checked by `.md5` or size) and loaded in its own transaction, descriptors first. A folder that
does not resolve or refuses connections stops the run at once (`HostUnreachable`, raised).

The `mesh-sync` flow (flows/mesh_sync.py) runs these steps as Prefect tasks; without a Prefect
API the CLI runs them as plain calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from warehouse.config import Settings
from warehouse.errors import DownloadFailed, HostUnreachable
from warehouse.ledger import FileStatus
from warehouse.loading.load import FileResult
from warehouse.runs.writer import LoadOne, Publish, WriterSession, load_one_file, publish_quietly
from warehouse.sources.download import http_client
from warehouse.sources.mesh_mirror import MeshFile, download_mesh, list_current_year
from warehouse.sources.retries import RetryPolicy, retried

log = logging.getLogger(__name__)


def list_mesh_files(mesh_url: str, timeout_seconds: float, policy: RetryPolicy) -> list[MeshFile]:
    """The current MeSH year's files on the server, in load order."""
    with http_client(timeout_seconds) as client:
        return retried(lambda: list_current_year(client, mesh_url), policy, "listing MeSH")


def download_mesh_checked(
    remote: MeshFile, directory: Path, timeout_seconds: float, policy: RetryPolicy
) -> Path:
    """Download one MeSH file, checked by its `.md5` or its size, retried by POLICY."""
    with http_client(timeout_seconds) as client:
        path = retried(lambda: download_mesh(client, remote, directory), policy, remote.name)
    log.info("%s: downloaded and checked (%d bytes)", remote.name, path.stat().st_size)
    return path


def loaded_years(con) -> dict[str, int | None]:
    """MeSH year loaded per kind."""
    return dict(con.execute("select kind, mesh_year from mesh_vocabularies").fetchall())


@dataclass(frozen=True)
class MeshSyncSteps:
    """The steps of a MeSH sync: plain functions, or the `mesh-sync` flow's Prefect tasks."""

    list_files: Callable[[str, float, RetryPolicy], list[MeshFile]]
    download: Callable[[MeshFile, Path, float, RetryPolicy], Path]
    load_one: LoadOne
    publish: Publish


PLAIN_STEPS = MeshSyncSteps(list_mesh_files, download_mesh_checked, load_one_file, publish_quietly)


def sync_mesh(
    settings: Settings, *, steps: MeshSyncSteps = PLAIN_STEPS, run_id: str | None = None
) -> list[FileResult]:
    """Download and load the MeSH files of a year newer than the loaded one; stop at a failure.

    The session publishes the readers' copy when a file loaded (or no copy exists yet).
    """
    policy, timeout = settings.retry_policy(), settings.download_timeout_seconds
    listed = steps.list_files(settings.mesh_url, timeout, policy)
    results: list[FileResult] = []
    with WriterSession(settings, steps, run_id=run_id) as session:
        years = loaded_years(session.con)
        todo = [f for f in listed if (years.get(f.kind) or 0) < f.year]
        log.info("MeSH %s on the server: %d files to load", listed[0].year, len(todo))
        for remote in todo:
            was_there = (settings.download_dir / remote.name).exists()  # never removed
            try:
                path = steps.download(remote, settings.download_dir, timeout, policy)
            except HostUnreachable:
                raise
            except DownloadFailed as exc:
                log.error("%s: %s; the rest waits for the next run", remote.name, exc)
                results.append(FileResult(remote.name, FileStatus.FAILED, message=str(exc)))
                break
            results.append(session.load(path))
            if results[-1].status == FileStatus.FAILED:  # rolled back: kept for the rerun
                break
            if not settings.keep_downloads and not was_there:
                path.unlink(missing_ok=True)
    return results
