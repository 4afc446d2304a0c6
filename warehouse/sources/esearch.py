"""NCBI esearch: the PMIDs a PubMed query finds, past esearch's 10,000 by publication dates.

esearch returns at most 10,000 PMIDs of a PubMed query. The query is searched once with the
history server (`usehistory=y`), which gives its total count, a `WebEnv` and a `query_key`;
when the count is above 10,000, the query is split by publication date ranges
(`#KEY AND 2015/01/01:2017/06/30[dp]` against that history) and a range is halved until each
part holds at most 10,000, as NCBI's EDirect does. Each part's PMIDs come from one more esearch
(`retmax=10000`). The parts' counts are checked against the total: records without a
publication date in the searched span, and a single day holding more than 10,000, make them
fall short, and the plan says by how much. Requests share efetch's pacing and retries.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
from lxml import etree

from warehouse.errors import EutilsRefused
from warehouse.sources.eutils import (
    EfetchSettings,
    EutilsClient,
    RetryableAnswer,
    ask_with_retries,
    checked_answer,
)

ESEARCH_MAX_PMIDS = 10_000
FIRST_DAY = date(1700, 1, 1)
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchAnswer:
    """One esearch answer: the count, the PMIDs it listed, its history keys."""

    count: int
    pmids: tuple[int, ...]
    webenv: str | None
    query_key: str | None


@dataclass(frozen=True)
class SearchPart:
    """A publication date range of the query (None, None: the whole query) and its PMIDs."""

    first: date | None
    last: date | None
    count: int
    pmids: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        if self.first is None or self.last is None:
            return "whole query"
        return date_range_term(self.first, self.last)

    @property
    def capped(self) -> bool:
        """A single day holding more than esearch lists: only its first 10,000 are fetched."""
        return self.count > ESEARCH_MAX_PMIDS


@dataclass(frozen=True)
class SearchPlan:
    """A query, the total count PubMed reports, its history keys and its parts."""

    query: str
    count: int
    webenv: str | None
    query_key: str | None
    parts: tuple[SearchPart, ...]

    @property
    def parts_count(self) -> int:
        """Records the parts reach (a capped day counts its first 10,000)."""
        return sum(min(part.count, ESEARCH_MAX_PMIDS) for part in self.parts)

    @property
    def shortfall(self) -> int:
        """Records of the total that no part reaches (no date in the span, a capped day)."""
        return self.count - self.parts_count

    @property
    def pmids(self) -> list[int]:
        """Every part's PMIDs, each once, ascending."""
        return sorted({pmid for part in self.parts for pmid in part.pmids})


def date_range_term(first: date, last: date) -> str:
    """PubMed's publication date range: `2015/01/01:2015/06/30[dp]`."""
    return f"{first:%Y/%m/%d}:{last:%Y/%m/%d}[dp]"


def parse_answer(body: bytes) -> SearchAnswer:
    """An `eSearchResult`: count, PMIDs, WebEnv and QueryKey; an `ERROR` without count refuses."""
    try:
        root = etree.fromstring(body, XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise RetryableAnswer(f"truncated or invalid XML ({exc})") from exc
    if root.tag != "eSearchResult":
        raise RetryableAnswer(f"not an eSearchResult (root <{root.tag}>)")
    count = root.findtext("Count")
    if count is None:
        message = (root.findtext("ERROR") or "no count in the answer").strip()
        raise EutilsRefused(f"esearch refused the query: {message[:200]}")
    return SearchAnswer(
        count=int(count),
        pmids=tuple(int(text) for text in root.xpath("IdList/Id/text()")),
        webenv=root.findtext("WebEnv"),
        query_key=root.findtext("QueryKey"),
    )


class EsearchClient(EutilsClient):
    """esearch, paced to NCBI's limit and retried like efetch."""

    @property
    def url(self) -> str:
        return self.settings.efetch_url.removesuffix("efetch.fcgi") + "esearch.fcgi"

    def search(self, term: str, retmax: int, webenv: str | None = None) -> SearchAnswer:
        """One esearch of `term` on the history server, retried by the settings' policy."""
        params = {"db": "pubmed", "term": term, "retmax": str(retmax), "usehistory": "y"}
        params |= {"WebEnv": webenv} if webenv else {}
        params["tool"] = self.settings.tool
        params |= {"email": self.settings.email} if self.settings.email else {}
        return ask_with_retries(
            lambda: self._attempt(params),
            self.settings.retry_policy,
            f"esearch of {term!r}",
            self._sleep,
        )

    def _attempt(self, params: dict[str, str]) -> SearchAnswer:
        """One POST (the key never sits in a URL) in a slot of the rate limiter."""
        if self.settings.key:
            params = params | {"api_key": self.settings.key}

        def send() -> httpx.Response:
            with self.limiter.slot():
                return self._http.post(self.url, data=params)

        response = checked_answer(
            self.url, send, lambda r: f"esearch refused the query: HTTP {r.status_code}"
        )
        return parse_answer(response.content)


def search(efetch: EfetchSettings, query: str, with_pmids: bool = True) -> SearchPlan:
    """The query's plan from esearch (count, parts and, if `with_pmids`, their PMIDs).

    With the PMIDs (an efetch follows), it ends with a quiet second, so that the next client's
    pacing starts afresh within NCBI's limit.
    """
    with EsearchClient(efetch) as client:
        plan = plan_search(client, query, with_pmids=with_pmids)
    if with_pmids and plan.count:
        time.sleep(1.0)
    return plan


def plan_search(
    client: EsearchClient, query: str, with_pmids: bool = True, last_day: date | None = None
) -> SearchPlan:
    """The query's total count and parts of at most 10,000, with their PMIDs if `with_pmids`."""
    whole = client.search(query, retmax=0)
    history = f"#{whole.query_key}" if whole.query_key else f"({query})"
    if whole.count <= ESEARCH_MAX_PMIDS:
        pmids = ()
        if with_pmids and whole.count:
            pmids = client.search(history, ESEARCH_MAX_PMIDS, whole.webenv).pmids
        parts = (SearchPart(None, None, whole.count, pmids),) if whole.count else ()
    else:
        end = last_day or date(date.today().year + 1, 12, 31)
        parts = tuple(_split(client, history, whole.webenv, FIRST_DAY, end, with_pmids))
    return SearchPlan(query, whole.count, whole.webenv, whole.query_key, parts)


def _split(
    client: EsearchClient,
    history: str,
    webenv: str | None,
    first: date,
    last: date,
    with_pmids: bool,
) -> list[SearchPart]:
    """Parts of the range, in date order: halved until each holds at most 10,000 (or one day)."""
    term = f"{history} AND {date_range_term(first, last)}"
    count = client.search(term, 0, webenv).count
    if count == 0:
        return []
    if count > ESEARCH_MAX_PMIDS and first < last:
        middle = first + timedelta(days=(last - first).days // 2)
        return [
            *_split(client, history, webenv, first, middle, with_pmids),
            *_split(client, history, webenv, middle + timedelta(days=1), last, with_pmids),
        ]
    if count > ESEARCH_MAX_PMIDS:
        log.warning("%s: %d records on one day; esearch lists 10,000 of them", term, count)
    pmids = client.search(term, ESEARCH_MAX_PMIDS, webenv).pmids if with_pmids else ()
    return [SearchPart(first, last, count, pmids)]
