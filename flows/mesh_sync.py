"""The `mesh-sync` flow: load the MeSH year a MeSH folder serves when it is newer than ours.

The folder's latest year is listed; each kind (descriptors, qualifiers, supplementary) whose
loaded year is older, or that is not loaded, is downloaded (retried with stepped backoff,
checked by `.md5` or size) and loaded in its own transaction, descriptors first.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.ingest import load_one
from flows.sync import RETRY_DELAYS_SECONDS
from warehouse.config import Settings
from warehouse.db import connect
from warehouse.download import http_client
from warehouse.ledger import FileStatus
from warehouse.load import FileResult
from warehouse.lock import writer_lock
from warehouse.mesh_mirror import MeshFile, download_mesh, list_current_year


@task(name="list-mesh", retries=2, retry_delay_seconds=[5, 30])
def list_mesh(mesh_url: str, timeout_seconds: float) -> list[MeshFile]:
    """The current MeSH year's files on the server, in load order."""
    with http_client(timeout_seconds) as client:
        return list_current_year(client, mesh_url)


@task(name="download-mesh-file", cache_policy=NO_CACHE, timeout_seconds=3600)
def download_mesh_file(remote: MeshFile, directory: Path, timeout_seconds: float) -> Path:
    """Download one MeSH file, checked by its `.md5` or its size (a mismatch fails the attempt)."""
    with http_client(timeout_seconds) as client:
        path = download_mesh(client, remote, directory)
    get_run_logger().info("%s: downloaded and checked (%d bytes)", remote.name, path.stat().st_size)
    return path


def loaded_years(con) -> dict[str, int | None]:
    """MeSH year loaded per kind."""
    return dict(con.execute("select kind, mesh_year from mesh_vocabularies").fetchall())


@flow(name="mesh-sync", log_prints=False)
def mesh_sync(
    settings: Settings, retry_delay_seconds: list[float] | None = None
) -> list[FileResult]:
    """Download and load the MeSH files of a year newer than the loaded one; stop at a failure."""
    logger = get_run_logger()
    timeout_seconds = settings.download_timeout_seconds
    listed = list_mesh(settings.mesh_url, timeout_seconds)
    fetch = download_mesh_file.with_options(
        retries=settings.download_retries,
        retry_delay_seconds=RETRY_DELAYS_SECONDS
        if retry_delay_seconds is None
        else retry_delay_seconds,
    )
    results: list[FileResult] = []
    with writer_lock(settings.db, settings.lock_timeout_seconds):
        con = connect(settings.db, memory_limit=settings.load_memory_limit)
        try:
            years = loaded_years(con)
            todo = [f for f in listed if (years.get(f.kind) or 0) < f.year]
            logger.info("MeSH %s on the server: %d files to load", listed[0].year, len(todo))
            for remote in todo:
                state = fetch(remote, settings.download_dir, timeout_seconds, return_state=True)
                if state.is_failed():
                    message = state.message or "download failed"
                    logger.error("%s: %s; the rest waits for the next run", remote.name, message)
                    results.append(FileResult(remote.name, FileStatus.FAILED, message=message))
                    break
                path = state.result()
                results.append(load_one(con, path, settings, flow_run.get_id()))
                if results[-1].status == FileStatus.FAILED:  # rolled back: kept for the rerun
                    break
                if not settings.keep_downloads:
                    path.unlink(missing_ok=True)
        finally:
            con.close()
    return results
