"""The `fetch-search` flow: the PubMed records a query finds, fetched and loaded by `fetch`.

esearch (with the history server) gives the query's count and its PMIDs, in publication date
parts of at most 10,000 when it finds more (`warehouse/sources/esearch.py`); the PMIDs then go
to the `fetch` flow, whose batches are cut from the sorted PMIDs, so a rerun of the same search
finds the batches it already loaded and resumes with the others. The CLI's `fetch --search` runs
the same two steps without Prefect when no Prefect API is configured.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.fetch import FetchResult, fetch
from warehouse.config import Settings
from warehouse.loading.load import ProgressCallback
from warehouse.sources.esearch import SearchPlan, search
from warehouse.sources.eutils import EfetchSettings


@dataclass
class SearchFetch:
    """What a search fetch did: the search's plan and the fetch of its PMIDs."""

    plan: SearchPlan
    fetched: FetchResult = field(default_factory=FetchResult)


@task(name="esearch-plan", cache_policy=NO_CACHE, timeout_seconds=3600)
def search_plan(efetch: EfetchSettings, query: str) -> SearchPlan:
    """Search the query, split by publication dates past 10,000, and log its parts.

    Not retried by Prefect: the client retries what can change, within the retry budget.
    """
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
    on_records: ProgressCallback | None = None,
) -> SearchFetch:
    """Fetch and load every PubMed record the query finds (nothing when it finds none)."""
    plan = search_plan(efetch, query)
    if not plan.count:
        return SearchFetch(plan)
    return SearchFetch(plan, fetch(list(plan.pmids), efetch, settings, refetch, on_records))
