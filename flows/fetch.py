"""The `fetch` flow: the steps of `warehouse.runs.fetch` as Prefect tasks, one per batch.

PubMed records by PMID from NCBI E-utilities, loaded like any other file; see
`warehouse/runs/fetch.py` for the batches, the retries and the resume. The CLI runs this flow
when a Prefect API is configured, else the same steps as plain calls.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.ingest import load_one, publish_reader_snapshot
from warehouse.config import Settings
from warehouse.ledger import loaded_file_names
from warehouse.loading.load import ProgressCallback
from warehouse.runs.fetch import FetchResult, FetchSteps, describe_download, fetch_records
from warehouse.runs.fetch import absent_pmids as absent_pmids_of
from warehouse.sources.eutils import (
    Batch,
    BatchDownload,
    EfetchClient,
    EfetchSettings,
    download_batch,
)

__all__ = ["FetchResult", "fetch"]


@task(name="loaded-batches", cache_policy=NO_CACHE)
def loaded_batches(con, names: list[str]) -> set[str]:
    """Names of these batch files that the warehouse has already loaded (from any folder)."""
    return loaded_file_names(con, names)


@task(name="absent-pmids", cache_policy=NO_CACHE)
def absent_pmids(con, pmids: list[int]) -> list[int]:
    """The PMIDs that are not articles of the warehouse."""
    return absent_pmids_of(con, pmids)


@task(name="efetch-batch", cache_policy=NO_CACHE, timeout_seconds=3600)
def fetch_batch(client: EfetchClient, batch: Batch, directory: Path) -> BatchDownload:
    """Download one batch into the download folder (kept as is when already complete there).

    Not retried by Prefect: the client retries what can change, within the retry budget.
    """
    download = download_batch(client, batch, directory)
    get_run_logger().info(describe_download(download))
    return download


TASKS = FetchSteps(loaded_batches, absent_pmids, fetch_batch, load_one, publish_reader_snapshot)


@flow(name="fetch", log_prints=False)
def fetch(
    pmids: list[int],
    efetch: EfetchSettings,
    settings: Settings,
    refetch: bool = False,
    on_records: ProgressCallback | None = None,
) -> FetchResult:
    """Download the PubMed XML of `pmids` from E-utilities and load it into the warehouse.

    Batches an earlier run loaded are skipped unless `refetch` (for newer versions of records).
    """
    return fetch_records(
        pmids, efetch, settings, refetch, on_records, steps=TASKS, run_id=flow_run.get_id()
    )
