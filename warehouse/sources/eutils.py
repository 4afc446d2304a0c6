"""NCBI E-utilities: PubMed XML by PMID from `efetch.fcgi`, in batches, paced, retried, resumable.

Each batch of at most 200 PMIDs is one `efetch.fcgi?db=pubmed&retmode=xml` request, a GET when
the URL stays short, else a POST (always a POST with an API key, so the key is never in a URL).
Requests are paced to NCBI's limit (3 per second, 10 with a key), retried with stepped backoff
on 429 (honouring `Retry-After` within the retry budget), 5xx, broken connections and truncated
or invalid XML (a host that does not resolve or refuses connections is not retried); a batch
is written as one complete file `efetch_<first>-<last>_<hash>.xml` through `.part` and a rename,
so a rerun finds it whole or not at all. efetch leaves unknown PMIDs out of its answer: the
requested PMIDs are compared with the returned ones.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Self, TypeVar
from urllib.parse import urlencode, urljoin

import httpx
from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from warehouse.config import DEFAULT_EUTILS_URL, MAX_BATCH_PMIDS
from warehouse.errors import ConfigError, EutilsError, EutilsRefused
from warehouse.formats.xml_stream import free, iterparse
from warehouse.sources.retries import (
    DEFAULT_BUDGET_SECONDS,
    DEFAULT_DELAYS_SECONDS,
    RetryPolicy,
    unreachable,
)

MAX_GET_URL_CHARS = 2000
REQUESTS_PER_SECOND = 3
REQUESTS_PER_SECOND_WITH_KEY = 10
RECORD_TAGS = {"PubmedArticle", "PubmedBookArticle"}
PMID_PARENTS = {"MedlineCitation", "BookDocument"}
NO_RECORD_ERROR = re.compile(r"ID list is empty|Empty result|no correct IDs", re.IGNORECASE)

log = logging.getLogger(__name__)


class EfetchSettings(BaseModel):
    """Where and how to call efetch: root URL, NCBI's `tool`/`email`, optional API key.

    The key is a `SecretStr`: it shows as `**********` wherever the settings are printed or
    recorded (Prefect stores a flow's parameters).
    """

    model_config = ConfigDict(frozen=True)

    base_url: str = DEFAULT_EUTILS_URL
    tool: str = "pubmed-warehouse"
    email: str | None = None
    api_key: SecretStr | None = None
    timeout_seconds: float = Field(60.0, gt=0)
    retry_delays: tuple[float, ...] = DEFAULT_DELAYS_SECONDS
    retry_budget_seconds: float = Field(DEFAULT_BUDGET_SECONDS, ge=0)

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(self.retry_delays, self.retry_budget_seconds)

    @property
    def key(self) -> str | None:
        """The API key itself, for the request only."""
        return self.api_key.get_secret_value() if self.api_key else None

    @property
    def efetch_url(self) -> str:
        return urljoin(self.base_url.rstrip("/") + "/", "efetch.fcgi")

    @property
    def requests_per_second(self) -> int:
        return REQUESTS_PER_SECOND_WITH_KEY if self.key else REQUESTS_PER_SECOND


class RateLimiter:
    """At most `per_second` requests in any one second, as the server sees them, whatever the lag.

    A request starts only once a second has passed since the end of the request `per_second`
    places before it: the server received that one before it answered, and receives this one
    after it is sent, so the two arrive more than a second apart however long the way between.
    Requests go one at a time (a slot is held for the whole request).
    """

    def __init__(
        self,
        per_second: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_second = per_second
        self._ends: deque[float] = deque(maxlen=per_second)
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait until a request may start, then hold the slot while it runs."""
        with self._lock:
            if len(self._ends) == self.per_second:
                wait = self._ends[0] + 1.0 - self._clock()
                if wait > 0:
                    self._sleep(wait)
            try:
                yield
            finally:
                self._ends.append(self._clock())


@dataclass(frozen=True)
class Batch:
    """PMIDs fetched in one request, ascending; its file name is derived from them."""

    pmids: tuple[int, ...]

    @property
    def name(self) -> str:
        digest = hashlib.blake2b(",".join(map(str, self.pmids)).encode(), digest_size=6).hexdigest()
        return f"efetch_{self.pmids[0]}-{self.pmids[-1]}_{digest}.xml"


def plan_batches(pmids: Iterable[int], size: int = MAX_BATCH_PMIDS) -> list[Batch]:
    """The PMIDs, each once and ascending, cut into batches of `size` (same input, same cuts)."""
    if not 1 <= size <= MAX_BATCH_PMIDS:
        raise ConfigError(f"an efetch batch holds 1 to {MAX_BATCH_PMIDS} PMIDs, not {size}")
    ordered = sorted(set(pmids))
    return [Batch(tuple(ordered[i : i + size])) for i in range(0, len(ordered), size)]


@dataclass(frozen=True)
class BatchDownload:
    """One batch on disk: its file (None when efetch knew none of its PMIDs) and what came back."""

    batch: Batch
    path: Path | None
    returned: frozenset[int]
    fetched: bool  # False when the complete file was already in the download folder

    @property
    def missing(self) -> list[int]:
        """Requested PMIDs efetch did not return (unknown or withdrawn ones)."""
        return sorted(set(self.batch.pmids) - self.returned)


class RetryableAnswer(Exception):
    """An answer worth asking again for: 429, 5xx, a broken connection, truncated XML.

    Internal to the client: after the last retry it becomes an `EutilsError`.
    """

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def response_pmids(source: bytes | Path) -> frozenset[int]:
    """PMIDs of the records in an efetch answer; refuses anything but a whole PubmedArticleSet.

    An `eFetchResult` saying that no ID was found is an empty answer; any other
    `eFetchResult` error, another root or XML cut short is an invalid answer (retried).
    """
    stream = source.open("rb") if isinstance(source, Path) else io.BytesIO(source)
    found: set[int] = set()
    try:
        with stream:
            events = iterparse(stream, events=("start", "end"))
            _, root = next(events)
            if root.tag == "eFetchResult":
                return _error_answer(events)
            if root.tag != "PubmedArticleSet":
                raise RetryableAnswer(f"not a PubmedArticleSet (root <{root.tag}>)")
            for event, element in events:
                if event == "end":
                    _collect_pmid(element, found)
    except (etree.XMLSyntaxError, StopIteration) as exc:
        raise RetryableAnswer(f"truncated or invalid XML ({exc})") from exc
    except ValueError as exc:
        raise RetryableAnswer(f"a record's PMID is not a number ({exc})") from exc
    return frozenset(found)


def _collect_pmid(element: etree._Element, found: set[int]) -> None:
    """Note a record's own PMID; free each record once read."""
    parent = element.getparent()
    if element.tag == "PMID" and parent is not None and parent.tag in PMID_PARENTS:
        found.add(int(element.text or ""))
    elif element.tag in RECORD_TAGS:
        free(element)


def _error_answer(events: Iterable) -> frozenset[int]:
    """An `eFetchResult` answer: empty when it says no ID matched, else an invalid answer."""
    messages = [el.text or "" for event, el in events if event == "end" and el.tag == "ERROR"]
    text = "; ".join(m.strip() for m in messages) or "no message"
    if NO_RECORD_ERROR.search(text):
        return frozenset()
    raise RetryableAnswer(f"efetch error: {text[:200]}")


class EutilsClient:
    """One HTTP client to E-utilities, paced by one rate limiter (efetch's and esearch's)."""

    def __init__(
        self,
        settings: EfetchSettings,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.limiter = limiter or RateLimiter(settings.requests_per_second)
        self._sleep = sleep
        self._http = httpx.Client(
            timeout=httpx.Timeout(settings.timeout_seconds), follow_redirects=True
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()


class EfetchClient(EutilsClient):
    """efetch, retrying what is worth retrying."""

    def fetch(self, batch: Batch) -> tuple[bytes, frozenset[int]]:
        """The batch's PubmedArticleSet bytes and the PMIDs in it, retried with stepped backoff."""
        return ask_with_retries(
            lambda: self._attempt(batch),
            self.settings.retry_policy,
            f"efetch of {batch.name}",
            self._sleep,
            self._redact,
        )

    def _attempt(self, batch: Batch) -> tuple[bytes, frozenset[int]]:
        """One request; raises `RetryableAnswer` for answers worth asking again for."""
        response = checked_answer(
            self.settings.efetch_url,
            lambda: self._send(batch),
            lambda r: (
                f"efetch refused {batch.name}: HTTP {r.status_code} {self._redact(r.text[:200])!r}"
            ),
        )
        return response.content, response_pmids(response.content)

    def _send(self, batch: Batch) -> httpx.Response:
        """GET, or POST for a long list or with an API key, in a slot of the rate limiter."""
        params = self.parameters(batch)
        url = self.settings.efetch_url
        with self.limiter.slot():
            if self.settings.key or len(f"{url}?{urlencode(params)}") > MAX_GET_URL_CHARS:
                return self._http.post(url, data=params)
            return self._http.get(url, params=params)

    def parameters(self, batch: Batch) -> dict[str, str]:
        """efetch's parameters for a batch, with NCBI's `tool`, `email` and `api_key`."""
        params = {"db": "pubmed", "retmode": "xml", "id": ",".join(map(str, batch.pmids))}
        params["tool"] = self.settings.tool
        if self.settings.email:
            params["email"] = self.settings.email
        if self.settings.key:
            params["api_key"] = self.settings.key
        return params

    def _redact(self, text: str) -> str:
        key = self.settings.key
        return text.replace(key, "***") if key else text


T = TypeVar("T")


def ask_with_retries(
    attempt: Callable[[], T],
    policy: RetryPolicy,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
    redact: Callable[[str], str] = str,
) -> T:
    """ATTEMPT's answer, asked again after a `RetryableAnswer` while POLICY allows (waits and
    total budget); then `EutilsError` saying how many attempts were made."""
    waited = 0.0
    for retry in range(len(policy.delays_seconds) + 1):
        try:
            return attempt()
        except RetryableAnswer as exc:
            wait = policy.wait_before(retry, waited, exc.retry_after)
            if wait is None:
                raise EutilsError(
                    f"{what}: {redact(str(exc))} (gave up after {retry + 1} attempts)"
                ) from None
            log.warning("%s: %s; retrying in %.1f s", what, redact(str(exc)), wait)
            sleep(wait)
            waited += wait
    raise AssertionError("unreachable")


def checked_answer(
    url: str, send: Callable[[], httpx.Response], refused: Callable[[httpx.Response], str]
) -> httpx.Response:
    """SEND's response when it succeeded. A host that cannot be reached is `HostUnreachable`
    (never retried); a broken connection, 429 or 5xx is a `RetryableAnswer`; any other
    failure is `EutilsRefused` with the message REFUSED gives."""
    try:
        response = send()
    except httpx.TransportError as exc:
        host_down = unreachable(url, exc)
        if host_down is not None:  # no answer to wait for: the name or the port is wrong
            raise host_down from exc
        raise RetryableAnswer(f"connection failed ({type(exc).__name__}: {exc})") from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise RetryableAnswer(f"HTTP {response.status_code}", _retry_after(response))
    if not response.is_success:
        raise EutilsRefused(refused(response))
    return response


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds a `Retry-After` header asks for (seconds or an HTTP date), if any."""
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    if not value:
        return None
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def download_batch(client: EfetchClient, batch: Batch, directory: Path) -> BatchDownload:
    """Fetch a batch into `directory` as one complete file, unless it is already there."""
    target = directory / batch.name
    if target.exists():
        try:
            return BatchDownload(batch, target, response_pmids(target), fetched=False)
        except RetryableAnswer as exc:  # damaged after it was written: fetch it again
            log.warning("%s: %s; fetching it again", target, exc)
            target.unlink()
    data, returned = client.fetch(batch)
    if not returned:
        return BatchDownload(batch, None, returned, fetched=True)
    directory.mkdir(parents=True, exist_ok=True)
    part = directory / f"{batch.name}.part"
    with part.open("wb") as sink:
        sink.write(data)
        sink.flush()
        os.fsync(sink.fileno())
    part.replace(target)
    return BatchDownload(batch, target, returned, fetched=True)
