"""The `fetch` flow: PubMed records by PMID from NCBI E-utilities, loaded like any other file.

The PMIDs are cut into batches of at most 200 (each PMID once, ascending, so the same input
gives the same batches). A batch the warehouse has already loaded is skipped; the others are
downloaded one at a time (an I/O task retried with stepped backoff on top of the client's own
retries) and each batch file is loaded through the ingest path in its own transaction, where
newest-wins decides as for any file (efetch XML has no NLM file number: `date_revised`, then
the richer format). A batch that still fails stops the run there; a rerun resumes with it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import State

from flows.ingest import load_one, publish_reader_snapshot
from warehouse.config import Settings
from warehouse.db import connect
from warehouse.errors import EutilsRefused
from warehouse.eutils import (
    Batch,
    BatchDownload,
    EfetchClient,
    EfetchSettings,
    download_batch,
    plan_batches,
)
from warehouse.ingest import snapshot_is_stale
from warehouse.load import FileResult, ProgressCallback
from warehouse.lock import writer_lock

RETRY_DELAYS_SECONDS = [10.0, 60.0, 300.0]


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


@task(name="loaded-batches", cache_policy=NO_CACHE)
def loaded_batches(con, names: list[str]) -> set[str]:
    """Names of these batch files that the warehouse has already loaded (from any folder)."""
    rows = con.execute(
        "select distinct source_file from ingested_files where status = 'loaded'"
        " and source_file like '%efetch%'"
    ).fetchall()
    return {Path(source).name for (source,) in rows} & set(names)


@task(name="absent-pmids", cache_policy=NO_CACHE)
def absent_pmids(con, pmids: list[int]) -> list[int]:
    """The PMIDs that are not articles of the warehouse."""
    rows = con.execute(
        "select pmid from (select unnest(?::bigint[]) as pmid)"
        " where pmid not in (select pmid from articles) order by pmid",
        [pmids],
    ).fetchall()
    return [pmid for (pmid,) in rows]


def worth_retrying(task: object, task_run: object, state: State) -> bool:
    """A refused request (a bad key or parameter) fails at once; anything else is retried."""
    return not isinstance(state.data, EutilsRefused)


@task(
    name="efetch-batch",
    cache_policy=NO_CACHE,
    timeout_seconds=3600,
    retry_condition_fn=worth_retrying,
)
def fetch_batch(client: EfetchClient, batch: Batch, directory: Path) -> BatchDownload:
    """Download one batch into the download folder (kept as is when already complete there)."""
    download = download_batch(client, batch, directory)
    get_run_logger().info(
        "%s: %s, %d of %d PMIDs returned",
        batch.name,
        "downloaded" if download.fetched else "already downloaded",
        len(download.returned),
        len(batch.pmids),
    )
    return download


@flow(name="fetch", log_prints=False)
def fetch(
    pmids: list[int],
    efetch: EfetchSettings,
    settings: Settings,
    refetch: bool = False,
    retry_delay_seconds: list[float] | None = None,
    on_records: ProgressCallback | None = None,
) -> FetchResult:
    """Download the PubMed XML of `pmids` from E-utilities and load it into the warehouse.

    Batches an earlier run loaded are skipped unless `refetch` (for newer versions of records).
    """
    batches = plan_batches(pmids, settings.efetch_batch_size)
    result = FetchResult(requested=len(set(pmids)), batches=len(batches))
    attempt = fetch_batch.with_options(
        retries=settings.download_retries,
        retry_delay_seconds=RETRY_DELAYS_SECONDS
        if retry_delay_seconds is None
        else retry_delay_seconds,
    )
    with (
        writer_lock(settings.db, settings.lock_timeout_seconds),
        EfetchClient(efetch) as client,
    ):
        con = connect(settings.db, memory_limit=settings.load_memory_limit)
        try:
            done = set() if refetch else loaded_batches(con, [b.name for b in batches])
            todo = [b for b in batches if b.name not in done]
            result.already_loaded = len(batches) - len(todo)
            if done:
                loaded_before = [p for b in batches if b.name in done for p in b.pmids]
                result.missing += absent_pmids(con, loaded_before)
            for position, batch in enumerate(todo):
                state = attempt(client, batch, settings.download_dir, return_state=True)
                failure = (state.message or "download failed") if state.is_failed() else None
                if failure is None:
                    failure = _load_batch(con, state.result(), result, settings, on_records)
                if failure is not None:
                    _stop(result, batch, failure, len(todo) - position - 1)
                    break
                if not settings.keep_downloads and state.result().path:
                    state.result().path.unlink(missing_ok=True)
            result.missing.sort()
            target = settings.snapshot_path()
            if snapshot_is_stale(result.loaded, target):
                publish_reader_snapshot(con, target)
        finally:
            con.close()
    return result


def _load_batch(
    con,
    download: BatchDownload,
    result: FetchResult,
    settings: Settings,
    on_records: ProgressCallback | None,
) -> str | None:
    """Load a downloaded batch and count it; returns why the run must stop (a storage fault)."""
    result.fetched += download.fetched
    result.reused += not download.fetched
    result.missing += download.missing
    if download.path is None:  # efetch knew none of its PMIDs: nothing to load
        return None
    loaded = load_one(con, download.path, settings, flow_run.get_id(), on_records)
    result.loaded.append(loaded)
    return f"not loaded: {loaded.message}" if loaded.status == "failed" else None


def _stop(result: FetchResult, batch: Batch, message: str, later: int) -> None:
    """Record a batch that failed for good this run; later batches wait for the next run."""
    result.failed[batch.name] = message
    result.not_attempted = later
    get_run_logger().error(
        "%s: %s; %d later batches wait for the next run", batch.name, message, later
    )
