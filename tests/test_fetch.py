"""The fetch flow and command against a real E-utilities-like server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from flows.fetch import fetch
from tests.conftest import CORPUS, XML_FILES
from tests.eutils_server import Eutils, Fault, serve_eutils
from warehouse.cli import app
from warehouse.config import Settings
from warehouse.db import connect
from warehouse.loading.load import load_file
from warehouse.sources.eutils import Batch, EfetchClient, EfetchSettings, download_batch

MEDLINE = CORPUS / "pairs/30034368/30034368.medline.txt"
ABSTRACT = CORPUS / "abstract-text/edirectcheminfo/17630804_abstract.txt"
KNOWN = [9997, 12091962, 11748933, 11700088, 17630804, 20729678]
UNKNOWN = 39999991

runner = CliRunner()


@pytest.fixture
def eutils() -> Iterator[Eutils]:
    """E-utilities serving the corpus XML records and the XML of pair 30034368, on loopback."""
    with serve_eutils([*XML_FILES, CORPUS / "pairs/30034368/30034368.xml"]) as served:
        yield served


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def run_fetch(eutils: Eutils, tmp_path: Path, pmids: list[int], **options):
    """One fetch run into the test's warehouse, retrying quickly."""
    efetch = EfetchSettings(
        base_url=eutils.url,
        tool="pubmed-warehouse-tests",
        retry_delays=(0.01,),
        api_key=options.pop("api_key", None),
    )
    settings = Settings(
        db=tmp_path / "warehouse.duckdb",
        download_dir=tmp_path / "downloads",
        download_retries=1,
        efetch_batch_size=options.pop("batch_pmids", 200),
    )
    return fetch(pmids, efetch, settings, **options)


def test_fetch_command_loads_records_and_names_unknown_pmids(
    eutils: Eutils, tmp_path: Path, monkeypatch, prefect_harness
) -> None:
    db = tmp_path / "warehouse.duckdb"
    listed = tmp_path / "pmid_list.txt"
    listed.write_text("\n".join(map(str, [*KNOWN[:4], UNKNOWN])) + "\n")
    monkeypatch.setenv("PUBMED_WAREHOUSE_EUTILS_URL", eutils.url)
    monkeypatch.setenv("PUBMED_WAREHOUSE_NCBI_EMAIL", "someone@example.org")
    command = ["fetch", str(listed), "17630804", "20729678", "--db", str(db)]
    result = runner.invoke(app, [*command, "--download-dir", str(tmp_path / "downloads")])
    assert result.exit_code == 1, result.output  # an unknown PMID is reported, not ignored
    assert f"1 PMIDs not in PubMed: {UNKNOWN}" in result.output
    assert "7 PMIDs in 1 batches: 1 downloaded" in result.output
    assert {pmid for (pmid,) in rows(db, "select pmid from articles")} == set(KNOWN)
    assert rows(db, "select distinct source_format from articles") == [("xml",)]
    ((source, fmt, key),) = rows(
        db, "select source_file, format, file_order_key from ingested_files"
    )
    assert Path(source).name.startswith(f"efetch_{min(KNOWN)}-{UNKNOWN}_")
    assert (fmt, key) == ("xml", None)
    assert list((tmp_path / "downloads").iterdir()) == []  # loaded batches are not kept
    (request,) = eutils.requests
    assert request.params["email"] == "someone@example.org"
    assert request.params["tool"] == "pubmed-warehouse"


def test_a_failed_batch_stops_the_run_and_a_rerun_resumes(
    eutils: Eutils, tmp_path: Path, prefect_harness
) -> None:
    db = tmp_path / "warehouse.duckdb"
    eutils.fail_next(Fault(), Fault(503), Fault(503))  # batch 2: the client's 2 tries
    first = run_fetch(eutils, tmp_path, KNOWN, batch_pmids=2)
    assert (first.batches, len(first.loaded), first.not_attempted) == (3, 1, 1)
    (failed,) = first.failed
    assert failed.startswith("efetch_11748933-12091962_")
    assert "HTTP 503" in first.failed[failed]
    assert len(eutils.requests) == 3  # one retry policy: the client's, no second layer
    assert len(rows(db, "select pmid from articles")) == 2
    eutils.requests.clear()
    second = run_fetch(eutils, tmp_path, KNOWN, batch_pmids=2)
    assert (second.already_loaded, second.fetched, second.failed) == (1, 2, {})
    assert [r.pmids for r in eutils.requests] == [[11748933, 12091962], [17630804, 20729678]]
    assert {pmid for (pmid,) in rows(db, "select pmid from articles")} == set(KNOWN)
    eutils.requests.clear()
    third = run_fetch(eutils, tmp_path, [*KNOWN, UNKNOWN], batch_pmids=2)
    assert third.already_loaded == 3  # nothing fetched again; only the new batch
    assert [r.pmids for r in eutils.requests] == [[UNKNOWN]]
    assert third.missing == [UNKNOWN]
    eutils.requests.clear()
    again = run_fetch(eutils, tmp_path, [9997, 11700088], batch_pmids=2, refetch=True)
    assert [r.pmids for r in eutils.requests] == [[9997, 11700088]]  # newer versions wanted
    assert again.loaded[0].status == "already-loaded"  # the same bytes came back


def test_a_batch_downloaded_but_not_loaded_is_loaded_without_a_request(
    eutils: Eutils, tmp_path: Path, prefect_harness
) -> None:
    batch = Batch((9997, 17630804))
    with EfetchClient(EfetchSettings(base_url=eutils.url)) as client:
        download_batch(client, batch, tmp_path / "downloads")  # a run stopped after this
    eutils.requests.clear()
    result = run_fetch(eutils, tmp_path, [17630804, 9997])
    assert (result.reused, result.fetched, eutils.requests) == (1, 0, [])
    assert result.loaded[0].inserted == 2
    assert list((tmp_path / "downloads").iterdir()) == []


def test_a_refused_request_is_not_retried(eutils: Eutils, tmp_path: Path, prefect_harness) -> None:
    eutils.fail_next(Fault(400))
    result = run_fetch(eutils, tmp_path, [9997])
    assert len(eutils.requests) == 1  # neither the client nor the task asks again
    assert "HTTP 400" in result.failed[Batch((9997,)).name]


def test_fetched_xml_replaces_poorer_medline_and_abstract_records(
    eutils: Eutils, tmp_path: Path, prefect_harness
) -> None:
    db = tmp_path / "warehouse.duckdb"
    con = connect(db)
    try:
        load_file(con, MEDLINE)
        load_file(con, ABSTRACT)
    finally:
        con.close()
    before = rows(db, "select pmid, source_format from articles order by pmid")
    assert before == [(17630804, "abstract-text"), (30034368, "medline")]
    result = run_fetch(eutils, tmp_path, [30034368, 17630804])
    assert (result.loaded[0].replaced, result.loaded[0].inserted) == (2, 0)
    assert rows(db, "select pmid, source_format from articles order by pmid") == [
        (17630804, "xml"),
        (30034368, "xml"),
    ]
    replaced = "select pmid from changes where action = 'replace' and source_file like '%efetch_%'"
    assert sorted(rows(db, replaced)) == [(17630804,), (30034368,)]
    iso = "select journal_iso from articles where pmid = 30034368"
    assert rows(db, iso) == [("Front Endocrinol (Lausanne)",)]  # what only the XML carries


def test_the_api_key_is_not_recorded_with_the_flow_run(
    eutils: Eutils, tmp_path: Path, prefect_harness
) -> None:
    from prefect.client.orchestration import get_client

    state = run_fetch(eutils, tmp_path, [9997], api_key=SecretStr("s3cret-key"), return_state=True)
    assert state.is_completed()
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
    assert "s3cret-key" not in repr(run.parameters)
    assert run.parameters["efetch"]["api_key"] == "**********"
    assert eutils.requests[0].params["api_key"] == "s3cret-key"


def test_a_real_pmid_list_save_is_fetched_whole(tmp_path: Path, prefect_harness) -> None:
    """PubMed's 13,950-PMID list save: 70 POSTed batches, the 4 corpus PMIDs loaded."""
    db = tmp_path / "warehouse.duckdb"
    saved = CORPUS / "exports/p1m-ortho/pubmed_result_13950.txt"
    with serve_eutils([CORPUS / "pairs/_sets/p1m-ortho/pubmed_result.xml"]) as eutils:
        command = ["fetch", str(saved), "--api-key", "k3y", "--db", str(db)]
        env = {"PUBMED_WAREHOUSE_EUTILS_URL": eutils.url}
        result = runner.invoke(app, [*command, "--download-dir", str(tmp_path / "dl")], env=env)
    assert result.exit_code == 1, result.output
    assert "13950 PMIDs in 70 batches: 70 downloaded" in result.output
    assert "13946 PMIDs not in PubMed" in result.output
    assert len(eutils.requests) == 70
    assert {r.method for r in eutils.requests} == {"POST"}
    assert max(len(r.pmids) for r in eutils.requests) == 200
    loaded = {pmid for (pmid,) in rows(db, "select pmid from articles")}
    assert loaded == {30514039, 28848226, 27506780, 18306130}
    times = [r.at for r in eutils.requests]
    assert all(b - a >= 1.0 for a, b in zip(times[:-10], times[10:], strict=True))


def test_an_argument_that_is_no_pmid_is_a_usage_error_before_prefect(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing listens there
    result = runner.invoke(app, ["fetch", "PMC5996113", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    assert "'PMC5996113' is neither a PMID (digits) nor a file" in result.output
    assert not (tmp_path / "w.duckdb").exists()
