"""`fetch --search`: esearch past 10,000 results by date ranges, then efetch, on loopback."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from pydantic import SecretStr

from flows.search import fetch_search
from tests.conftest import CLI, XML_FILES
from tests.eutils_server import Eutils, Fault, serve_eutils
from warehouse.config import Settings
from warehouse.sources.esearch import ESEARCH_MAX_PMIDS, EsearchClient, plan_search
from warehouse.sources.eutils import EfetchSettings

TEMPLATE = 12091962  # a corpus record; synthetic records are copies under new PMIDs
FIRST_SYNTHETIC = 40_000_001


def dated_hits(count: int, undated: int = 0) -> dict[int, date | None]:
    """`count` PMIDs published a day apart from 1990 on, plus `undated` without a date."""
    hits: dict[int, date | None] = {
        FIRST_SYNTHETIC + i: date(1990, 1, 1) + timedelta(days=i // 3) for i in range(count)
    }
    hits |= {FIRST_SYNTHETIC + count + i: None for i in range(undated)}
    return hits


@pytest.fixture
def eutils() -> Iterator[Eutils]:
    """E-utilities serving the corpus XML records, on loopback."""
    with serve_eutils(XML_FILES) as served:
        yield served


def efetch_settings(eutils: Eutils) -> EfetchSettings:
    """Quick retries and a key (10 requests/s) against the loopback server."""
    return EfetchSettings(base_url=eutils.url, retry_delays=(0.01,), api_key=SecretStr("k3y"))


def cli(eutils: Eutils, tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    """The real command in its own process, against the loopback server."""
    env = os.environ | {
        "PUBMED_WAREHOUSE_EUTILS_URL": eutils.url,
        "PUBMED_WAREHOUSE_NCBI_API_KEY": "k3y",
        "PUBMED_WAREHOUSE_NCBI_EMAIL": "someone@example.org",
    }
    command = [CLI, "fetch", *arguments, "--db", str(tmp_path / "warehouse.duckdb")]
    return subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )


def test_a_query_beyond_10000_is_split_by_dates_into_parts_that_add_up(eutils: Eutils) -> None:
    hits = dated_hits(25_000)
    eutils.add_search("migraine[mh]", hits)
    with EsearchClient(efetch_settings(eutils)) as client:
        plan = plan_search(client, "migraine[mh]")
    assert plan.count == 25_000
    assert (plan.webenv, plan.query_key) == ("MCID_1", "1")
    assert len(plan.parts) >= 3
    assert all(0 < part.count <= ESEARCH_MAX_PMIDS for part in plan.parts)
    assert all(len(part.pmids) == part.count for part in plan.parts)
    assert (plan.parts_count, plan.shortfall) == (25_000, 0)
    assert plan.pmids == sorted(hits)  # each PMID in exactly one part
    firsts = [part.first for part in plan.parts]
    assert firsts == sorted(firsts)
    for before, after in zip(plan.parts, plan.parts[1:], strict=False):
        assert before.last < after.first
    searched = [r for r in eutils.requests if r.utility == "esearch"]
    assert searched[0].params["term"] == "migraine[mh]"
    assert {r.params["WebEnv"] for r in searched[1:]} == {"MCID_1"}
    assert all(r.params["term"].startswith("#1 AND ") for r in searched[1:])
    assert max(int(r.params["retmax"]) for r in searched) == ESEARCH_MAX_PMIDS


def test_a_query_within_10000_is_one_part_read_from_the_history(eutils: Eutils) -> None:
    eutils.add_search("rare[ti]", dated_hits(40, undated=2))
    with EsearchClient(efetch_settings(eutils)) as client:
        plan = plan_search(client, "rare[ti]")
    ((part,),) = [plan.parts]
    assert (plan.count, part.label, len(part.pmids), plan.shortfall) == (42, "whole query", 42, 0)
    assert [r.params["term"] for r in eutils.requests] == ["rare[ti]", "#1"]


def test_dry_run_prints_the_count_and_parts_and_says_when_they_fall_short(
    eutils: Eutils, tmp_path: Path
) -> None:
    eutils.add_search("headache[ti]", dated_hits(12_000, undated=7))
    result = cli(eutils, tmp_path, "--search", "headache[ti]", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "12,007 records found by headache[ti]" in result.stdout
    lines = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    counts = [int(line.rsplit(": ", 1)[1].replace(",", "")) for line in lines]
    assert len(counts) >= 2 and sum(counts) == 12_000 and max(counts) <= ESEARCH_MAX_PMIDS
    assert all(line.endswith(f"[dp]: {n:,}") for line, n in zip(lines, counts, strict=True))
    assert "reach 12,000 of 12,007 records: 7 have no publication date" in result.stderr
    assert not (tmp_path / "warehouse.duckdb").exists()  # a dry run touches no warehouse
    assert {r.utility for r in eutils.requests} == {"esearch"}


def test_a_search_with_no_results_exits_1_with_a_clear_line(eutils: Eutils, tmp_path: Path) -> None:
    query_file = tmp_path / "query.txt"
    query_file.write_text("nothing[ti]\n  AND 2015:2025[dp]\n")
    result = cli(eutils, tmp_path, "--search-file", str(query_file))
    assert result.returncode == 1, result.stderr
    assert "no PubMed record matches nothing[ti] AND 2015:2025[dp]: nothing fetched" in (
        result.stderr
    )
    assert {r.utility for r in eutils.requests} == {"esearch"}


def test_search_and_pmids_together_are_a_usage_error(eutils: Eutils, tmp_path: Path) -> None:
    result = cli(eutils, tmp_path, "9997", "--search", "x[ti]")
    assert result.returncode == 2
    assert "give PMIDs and files, or a search, not both" in result.stderr
    assert eutils.requests == []


def test_a_search_beyond_10000_loads_its_records_and_a_rerun_resumes(
    eutils: Eutils, tmp_path: Path, prefect_harness
) -> None:
    hits = sorted(dated_hits(10_150))
    eutils.add_search("synthetic[ti]", dated_hits(10_150))
    served = [*hits[:400], *hits[6000:6200], *hits[10_000:]]  # batches 1, 2, 31 and 51 of 51
    eutils.add_records(TEMPLATE, served)
    db = tmp_path / "warehouse.duckdb"
    settings = Settings(db=db, download_dir=tmp_path / "downloads", download_retries=0)
    eutils.fail_next(*[Fault()] * 20, Fault(400))  # the 21st batch is refused
    efetch = efetch_settings(eutils)
    first = fetch_search("synthetic[ti]", efetch, settings)
    assert first.plan.count == 10_150 and len(first.plan.parts) == 2
    assert (first.fetched.batches, len(first.fetched.loaded)) == (51, 2)
    assert first.fetched.not_attempted == 30
    assert count(db, "select count(*) from articles") == 400
    eutils.requests.clear()
    second = fetch_search("synthetic[ti]", efetch, settings)
    fetched = [r for r in eutils.requests if r.utility == "efetch"]
    assert (second.fetched.already_loaded, len(fetched), second.fetched.failed) == (2, 49, {})
    assert min(min(r.pmids) for r in fetched) == hits[400]  # batches 1 and 2 are not asked again
    loaded = "select count(distinct pmid), min(pmid), max(pmid) from articles"
    assert rows(db, loaded) == [(len(served), hits[0], hits[-1])]
    assert second.fetched.missing == sorted(set(hits[400:]) - set(served))


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def count(db: Path, sql: str) -> int:
    return rows(db, sql)[0][0]
