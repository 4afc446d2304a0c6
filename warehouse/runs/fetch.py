"""One fetch run: PubMed records by PMID from NCBI E-utilities, loaded like any other file.

The PMIDs are cut into batches of at most 200 (each PMID once, ascending, so the same input
gives the same batches). A batch the warehouse has already loaded is skipped; the others are
downloaded one at a time (the client retries what can change, within the retry budget) and each
batch file is loaded through the ingest path in its own transaction, where newest-wins decides
as for any file (efetch XML has no NLM file number: `date_revised`, then the richer format). A
batch that still fails stops the run there; a rerun resumes with it. A host that does not
resolve or refuses connections stops the run at once (`HostUnreachable`, raised).

The `fetch` flow (flows/fetch.py) runs these steps as Prefect tasks; without a Prefect API the
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
from warehouse.ledger import FileStatus, loaded_file_names
from warehouse.loading.load import FileResult, ProgressCallback
from warehouse.runs.writer import LoadOne, Publish, WriterSession, load_one_file, publish_quietly
from warehouse.sources.eutils import (
    Batch,
    BatchDownload,
    EfetchClient,
    EfetchSettings,
    download_batch,
    plan_batches,
)

log = logging.getLogger(__name__)


@dataclass
class FetchResult:
    """What one fetch did: batches fetched, reused or skipped, loads, PMIDs PubMed lacks."""

    requested: int = 0
    batches: int = 0
    fetched: int = 0
    reused: int = 0
    already_loaded: int = 0
    loaded: list[FileResult] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    not_attempted: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def absent_pmids(con: duckdb.DuckDBPyConnection, pmids: list[int]) -> list[int]:
    """The PMIDs that are not articles of the warehouse."""
    rows = con.execute(
        "select pmid from (select unnest(?::bigint[]) as pmid)"
        " where pmid not in (select pmid from articles) order by pmid",
        [pmids],
    ).fetchall()
    return [pmid for (pmid,) in rows]


def describe_download(download: BatchDownload) -> str:
    """One log line for a batch on disk."""
    how = "downloaded" if download.fetched else "already downloaded"
    returned, asked = len(download.returned), len(download.batch.pmids)
    return f"{download.batch.name}: {how}, {returned} of {asked} PMIDs returned"


def _download_logged(client: EfetchClient, batch: Batch, directory: Path) -> BatchDownload:
    download = download_batch(client, batch, directory)
    log.info(describe_download(download))
    return download


@dataclass(frozen=True)
class FetchSteps:
    """The steps of a fetch: plain functions, or the `fetch` flow's Prefect tasks."""

    loaded_batches: Callable[[duckdb.DuckDBPyConnection, list[str]], set[str]]
    absent_pmids: Callable[[duckdb.DuckDBPyConnection, list[int]], list[int]]
    download: Callable[[EfetchClient, Batch, Path], BatchDownload]
    load_one: LoadOne
    publish: Publish


PLAIN_STEPS = FetchSteps(
    loaded_file_names, absent_pmids, _download_logged, load_one_file, publish_quietly
)


def fetch_records(
    pmids: list[int],
    efetch: EfetchSettings,
    settings: Settings,
    refetch: bool = False,
    on_records: ProgressCallback | None = None,
    *,
    steps: FetchSteps = PLAIN_STEPS,
    run_id: str | None = None,
) -> FetchResult:
    """Download the PubMed XML of PMIDS from E-utilities and load it into the warehouse.

    Batches an earlier run loaded are skipped unless REFETCH (for newer versions of records).
    """
    batches = plan_batches(pmids, settings.efetch_batch_size)
    result = FetchResult(requested=len(set(pmids)), batches=len(batches))
    with (
        WriterSession(settings, steps, run_id=run_id, on_records=on_records) as session,
        EfetchClient(efetch) as client,
    ):
        done = set() if refetch else steps.loaded_batches(session.con, [b.name for b in batches])
        todo = [b for b in batches if b.name not in done]
        session.expect_files(len(todo))
        result.already_loaded = len(batches) - len(todo)
        if done:
            loaded_before = [p for b in batches if b.name in done for p in b.pmids]
            result.missing += steps.absent_pmids(session.con, loaded_before)
        for position, batch in enumerate(todo):
            failure = _fetch_and_load(session, steps.download, client, batch, result)
            if failure is not None:
                _stop(result, batch, failure, len(todo) - position - 1)
                break
        result.missing.sort()
    return result


def _fetch_and_load(
    session: WriterSession,
    download_step: Callable[[EfetchClient, Batch, Path], BatchDownload],
    client: EfetchClient,
    batch: Batch,
    result: FetchResult,
) -> str | None:
    """Download and load one batch; returns why the run must stop there, else None."""
    try:
        download = download_step(client, batch, session.settings.download_dir)
    except HostUnreachable:
        raise
    except DownloadFailed as exc:
        return str(exc)
    result.fetched += download.fetched
    result.reused += not download.fetched
    result.missing += download.missing
    if download.path is None:  # efetch knew none of its PMIDs: nothing to load
        return None
    loaded = session.load(download.path)
    result.loaded.append(loaded)
    if loaded.status == FileStatus.FAILED:  # a storage fault: rolled back, the batch file kept
        return f"not loaded: {loaded.message}"
    if not session.settings.keep_downloads:
        download.path.unlink(missing_ok=True)
    return None


def _stop(result: FetchResult, batch: Batch, message: str, later: int) -> None:
    """Record a batch that failed for good this run; later batches wait for the next run."""
    result.failed[batch.name] = message
    result.not_attempted = later
    log.error("%s: %s; %d later batches wait for the next run", batch.name, message, later)
