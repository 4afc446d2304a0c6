"""The efetch client against a real E-utilities-like server on loopback (no Prefect)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.conftest import XML_FILES, corpus_files
from tests.eutils_server import Eutils, Fault, serve_eutils
from warehouse.errors import ConfigError, EutilsError, EutilsRefused, HostUnreachable
from warehouse.sources.eutils import (
    REQUESTS_PER_SECOND,
    REQUESTS_PER_SECOND_WITH_KEY,
    Batch,
    EfetchClient,
    EfetchSettings,
    RateLimiter,
    RetryableAnswer,
    download_batch,
    plan_batches,
    response_pmids,
)

KNOWN = [9997, 17630804, 20729678]  # in the corpus XML
UNKNOWN = 39999991  # in no corpus file


@pytest.fixture(scope="module")
def eutils() -> Iterator[Eutils]:
    """E-utilities serving every corpus XML record (xml/ and pairs/), on loopback."""
    with serve_eutils([*XML_FILES, *corpus_files("pairs", "*.xml")]) as served:
        yield served


@pytest.fixture
def server(eutils: Eutils) -> Eutils:
    """The module's server with an empty request log and no queued fault."""
    eutils.requests.clear()
    eutils.faults.clear()
    return eutils


def settings(server: Eutils, **options) -> EfetchSettings:
    """Client settings for the test server, with short retry steps."""
    return EfetchSettings(
        base_url=server.url, tool="pubmed-warehouse-tests", email="tests@example.org", **options
    )


def fast(server: Eutils, **options) -> EfetchClient:
    return EfetchClient(settings(server, retry_delays=(0.05, 0.05), **options))


def test_batches_are_each_pmid_once_ascending_at_most_200() -> None:
    batches = plan_batches([5, 3, 3, *range(1000, 1450)])
    assert [len(b.pmids) for b in batches] == [200, 200, 52]
    assert batches[0].pmids[:3] == (3, 5, 1000)
    assert batches == plan_batches(reversed([5, 3, *range(1000, 1450)]))  # same input, same cuts
    assert batches[0].name.startswith("efetch_3-1197_") and batches[0].name.endswith(".xml")
    with pytest.raises(ConfigError, match="1 to 200"):
        plan_batches([1], 201)


def test_known_records_are_written_and_unknown_pmids_reported(
    server: Eutils, tmp_path: Path
) -> None:
    batch = plan_batches([*KNOWN, UNKNOWN])[0]
    with fast(server) as client:
        download = download_batch(client, batch, tmp_path)
    assert download.path == tmp_path / batch.name
    assert download.returned == set(KNOWN)
    assert download.missing == [UNKNOWN]
    assert response_pmids(download.path) == set(KNOWN)
    assert [p.name for p in tmp_path.iterdir()] == [batch.name]  # no .part left behind
    (request,) = server.requests
    assert request.method == "GET"
    assert request.params == {
        "db": "pubmed",
        "retmode": "xml",
        "id": ",".join(map(str, sorted([*KNOWN, UNKNOWN]))),
        "tool": "pubmed-warehouse-tests",
        "email": "tests@example.org",
    }


def test_a_long_list_is_posted(server: Eutils, tmp_path: Path) -> None:
    known = sorted(server.records)[:150]
    pmids = known + list(range(39_000_000, 39_000_050))  # 8-digit PMIDs PubMed lacks
    (batch,) = plan_batches(pmids)
    with fast(server) as client:
        download = download_batch(client, batch, tmp_path)
    (request,) = server.requests
    assert request.method == "POST"
    assert len(request.pmids) == 200
    assert request.params["tool"] == "pubmed-warehouse-tests"
    assert download.returned == set(known)
    assert download.missing == list(range(39_000_000, 39_000_050))


def test_an_api_key_is_posted_never_put_in_a_url(server: Eutils, tmp_path: Path) -> None:
    with fast(server, api_key=SecretStr("k3y-0f-the-tests")) as client:
        download_batch(client, Batch((9997,)), tmp_path)
        assert "k3y" not in repr(client.settings)
    (request,) = server.requests
    assert (request.method, request.params["api_key"]) == ("POST", "k3y-0f-the-tests")


def test_429_is_retried_after_the_retry_after_it_names(server: Eutils, tmp_path: Path) -> None:
    server.fail_next(Fault(429, retry_after="1"))
    with fast(server) as client:
        download = download_batch(client, Batch((17630804,)), tmp_path)
    assert download.returned == {17630804}
    first, second = server.requests
    assert second.at - first.at >= 1.0  # Retry-After: 1, longer than the 0.05 s step


def test_5xx_and_a_truncated_answer_are_retried(server: Eutils, tmp_path: Path) -> None:
    server.fail_next(Fault(503), Fault(truncate=True))
    batch = Batch((9997, 20729678))
    with fast(server) as client:
        download = download_batch(client, batch, tmp_path)
    assert len(server.requests) == 3
    assert response_pmids(download.path) == {9997, 20729678}
    assert download.path.read_bytes() == server.answer(batch.pmids)


def test_an_answer_still_truncated_after_the_retries_writes_nothing(
    server: Eutils, tmp_path: Path
) -> None:
    server.fail_next(*[Fault(truncate=True)] * 3)
    with fast(server) as client, pytest.raises(EutilsError, match="truncated or invalid XML"):
        download_batch(client, Batch((9997,)), tmp_path)
    assert len(server.requests) == 3  # the first try and two retries
    assert list(tmp_path.iterdir()) == []


def test_a_refused_request_is_not_retried(server: Eutils, tmp_path: Path) -> None:
    server.fail_next(Fault(400))
    with fast(server) as client, pytest.raises(EutilsRefused, match="HTTP 400"):
        download_batch(client, Batch((9997,)), tmp_path)
    assert len(server.requests) == 1


def test_a_batch_already_downloaded_is_not_fetched_again(server: Eutils, tmp_path: Path) -> None:
    batch = Batch((9997, 17630804))
    with fast(server) as client:
        first = download_batch(client, batch, tmp_path)
        again = download_batch(client, batch, tmp_path)
        first.path.write_bytes(first.path.read_bytes()[:100])  # damaged on disk
        repaired = download_batch(client, batch, tmp_path)
    assert (first.fetched, again.fetched, repaired.fetched) == (True, False, True)
    assert again.returned == first.returned == repaired.returned
    assert len(server.requests) == 2


def test_no_known_pmid_gives_no_file(server: Eutils, tmp_path: Path) -> None:
    with fast(server) as client:
        download = download_batch(client, Batch((UNKNOWN,)), tmp_path)
    assert (download.path, download.missing) == (None, [UNKNOWN])
    assert list(tmp_path.iterdir()) == []


def test_an_efetch_error_answer_is_an_empty_or_an_invalid_answer() -> None:
    head = b'<?xml version="1.0" ?>\n<eFetchResult>\n\t<ERROR>'
    nothing = head + b"ID list is empty! Possibly it has no correct IDs.</ERROR>\n</eFetchResult>"
    assert response_pmids(nothing) == frozenset()
    with pytest.raises(RetryableAnswer, match="Cannot retrieve"):
        response_pmids(head + b"Cannot retrieve history data.</ERROR></eFetchResult>")
    with pytest.raises(RetryableAnswer, match="not a PubmedArticleSet"):
        response_pmids(b"<html><body>Service unavailable</body></html>")


@pytest.mark.parametrize(
    ("api_key", "per_second"),
    [(None, REQUESTS_PER_SECOND), ("k3y", REQUESTS_PER_SECOND_WITH_KEY)],
)
def test_requests_never_exceed_ncbi_rate(
    server: Eutils, tmp_path: Path, api_key: str | None, per_second: float
) -> None:
    limit = int(per_second)
    batches = [Batch((pmid,)) for pmid in range(39_100_000, 39_100_000 + 2 * limit + 2)]
    key = SecretStr(api_key) if api_key else None
    with EfetchClient(settings(server, api_key=key)) as client:
        for batch in batches:
            download_batch(client, batch, tmp_path)
    times = [r.at for r in server.requests]
    assert len(times) == len(batches)
    # in any window of one second the server saw at most `limit` requests ...
    windows = zip(times[:-limit], times[limit:], strict=True)
    assert all(later - earlier >= 1.0 for earlier, later in windows)
    # ... and the client used the rate it is allowed, not a slower one
    assert times[-1] - times[0] < (len(times) - 1) / per_second + 0.5


def test_the_rate_limiter_counts_a_second_from_the_end_of_earlier_requests() -> None:
    now = [100.0]
    starts: list[float] = []

    def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(3, clock=lambda: now[0], sleep=sleep)
    for _ in range(7):
        with limiter.slot():
            starts.append(now[0])
            now[0] += 0.25  # each request takes a quarter second
    # three at once, the 4th one second after the 1st ended, ...
    assert starts == pytest.approx([100.0, 100.25, 100.5, 101.25, 101.5, 101.75, 102.5])
    now[0] += 5.0  # idle for a while: the next request goes at once
    with limiter.slot():
        assert now[0] == pytest.approx(107.75)


def test_a_port_that_refuses_connections_fails_at_once_without_retries(tmp_path: Path) -> None:
    from tests.conftest import free_port

    closed = EfetchSettings(
        base_url=f"http://127.0.0.1:{free_port()}/entrez/eutils/",
        tool="pubmed-warehouse-tests",
        retry_delays=(30.0,),
        timeout_seconds=5,
    )
    started = time.monotonic()
    with EfetchClient(closed) as client, pytest.raises(HostUnreachable, match="cannot reach"):
        download_batch(client, Batch((9997,)), tmp_path)
    assert time.monotonic() - started < 5, "a refused connection is not retried"
    assert list(tmp_path.iterdir()) == []


def test_retries_stop_at_the_budget(server: Eutils, tmp_path: Path) -> None:
    server.fail_next(Fault(503), Fault(503), Fault(503))
    tight = settings(server, retry_delays=(0.2, 0.2, 0.2), retry_budget_seconds=0.3)
    with EfetchClient(tight) as client, pytest.raises(EutilsError, match="after 2 attempts"):
        client.fetch(Batch((9997,)))
    assert len(server.requests) == 2
