"""The `fetch-search` flow: the PubMed records a query finds, fetched and loaded by `fetch`.

esearch (with the history server) gives the query's count and its PMIDs, in publication date
parts of at most 10,000 when it finds more (`warehouse/esearch.py`); the PMIDs then go to the
`fetch` flow, whose batches are cut from the sorted PMIDs, so a rerun of the same search finds
the batches it already loaded and resumes with the others.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.fetch import RETRY_DELAYS_SECONDS, FetchResult, fetch, worth_retrying
from warehouse.config import Settings
from warehouse.esearch import EsearchClient, SearchPlan, plan_search
from warehouse.eutils import EfetchSettings
from warehouse.load import ProgressCallback


@dataclass
class SearchFetch:
    """What a search fetch did: the search's plan and the fetch of its PMIDs."""

    plan: SearchPlan
    fetched: FetchResult = field(default_factory=FetchResult)


def search(efetch: EfetchSettings, query: str, with_pmids: bool = True) -> SearchPlan:
    """The query's plan from esearch (count, parts, PMIDs); an I/O step, no warehouse."""
    with EsearchClient(efetch) as client:
        return plan_search(client, query, with_pmids=with_pmids)


def search_count(efetch: EfetchSettings, query: str) -> int:
    """How many records PubMed reports for the query (one esearch, no PMIDs)."""
    with EsearchClient(efetch) as client:
        return client.search(query, retmax=0).count


@task(
    name="esearch-plan",
    cache_policy=NO_CACHE,
    timeout_seconds=3600,
    retry_condition_fn=worth_retrying,
)
def search_plan(efetch: EfetchSettings, query: str) -> SearchPlan:
    """Search the query, split by publication dates past 10,000, and log its parts."""
    plan = search(efetch, query)
    logger = get_run_logger()
    logger.info("%r: %d records in %d parts", query, plan.count, len(plan.parts))
    if plan.shortfall:
        logger.warning("the parts reach %d of the %d records", plan.parts_count, plan.count)
    return plan


@flow(name="fetch-search", log_prints=False)
def fetch_search(
    query: str,
    efetch: EfetchSettings,
    settings: Settings,
    refetch: bool = False,
    retry_delay_seconds: list[float] | None = None,
    on_records: ProgressCallback | None = None,
) -> SearchFetch:
    """Fetch and load every PubMed record the query finds (nothing when it finds none)."""
    delays = RETRY_DELAYS_SECONDS if retry_delay_seconds is None else retry_delay_seconds
    plan = search_plan.with_options(retries=settings.download_retries, retry_delay_seconds=delays)(
        efetch, query
    )
    if not plan.count:
        return SearchFetch(plan)
    time.sleep(1.0)  # a quiet second, so that efetch's own pacing starts afresh
    fetched = fetch(plan.pmids, efetch, settings, refetch, retry_delay_seconds, on_records)
    return SearchFetch(plan, fetched)
