"""A writer run adds the aggregates' contribution of the PMIDs its files insert for several files
at once (`aggregate_batch_pmids`, `aggregates.settle`): the aggregates it leaves equal those of
files loaded one by one and a rebuild from the base tables, whatever the later files of the run
did to PMIDs still pending or already settled; a run killed with adds pending leaves an exact
record of them, which the next writer settles; the readers' copy never holds them unsettled."""

from __future__ import annotations

import gzip
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CLI, CORPUS
from tests.states import warehouse_state
from tests.test_aggregates import (
    UPDATE_SOURCE,
    assert_views_match_base_tables,
    deleting_file,
    nonzero_rows,
    shifted_file,
    update_file,
)
from tests.test_citation_collection import occ_pairs, write_occ, zipped
from tests.test_citations import GRAPH_FILES, expected_links, graph_citations
from tests.test_mesh_aggregates import DESC, SUPP, assert_rollups_match_base_tables, retreed
from warehouse.config import Settings
from warehouse.db import connect
from warehouse.errors import AggregatesPending
from warehouse.inputs import discover
from warehouse.loading import aggregates
from warehouse.loading.load import load_file
from warehouse.loading.rollover import drop_baseline_dropouts
from warehouse.readers.checks import run_checks
from warehouse.readers.snapshot import publish_readers_copy
from warehouse.runs.ingest import PLAIN_STEPS, ingest_files
from warehouse.runs.writer import load_one_file

ALL_AT_ONCE = 10**6
"""A bound no test run passes: every add waits for the settle at the end."""
SETTLES_AFTER_FIRST = 300
"""A bound the first file's ~600 new PMIDs pass: they are settled before the second file."""

COUNTED = [t for t in aggregates.aggregate_tables() if not t.endswith(("_uis", "_names"))]
"""Aggregates compared row by row (the name dictionaries keep every name ever inserted, so a
name of an article inserted and removed within one batch is never in them: not compared)."""


def run_files(path: Path, files: list[Path], batch_pmids: int) -> duckdb.DuckDBPyConnection:
    """A warehouse at PATH with FILES loaded in order, their adds batched by BATCH_PMIDS (0:
    each file adds its own), and settled at the end as a writer run does."""
    con = connect(path)
    for file in files:
        load_file(con, file, aggregate_batch_pmids=batch_pmids)
    aggregates.settle(con)
    return con


def comparable_state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every table's rows; aggregates without the zero-count keys that removing an article
    whose contribution was added leaves (a batched run never added some of those)."""
    state = {t: rows for t, rows in warehouse_state(con).items() if not t.startswith("agg_")}
    return state | {table: nonzero_rows(con, table) for table in COUNTED}


def assert_equals_a_rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """The aggregates kept hold what `aggregates.rebuild` computes from the base tables."""
    kept = {table: nonzero_rows(con, table) for table in COUNTED}
    aggregates.rebuild(con, datetime(2030, 1, 1))
    for table in COUNTED:
        assert nonzero_rows(con, table) == kept[table], table


@pytest.fixture(scope="module")
def update_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], dict]:
    """Five NLM files: ~600 new records; 200 of them replaced and 30 deleted; 40 new; those 40
    replaced; 20 of them deleted. Returns them and the state of loading them one by one."""
    folder = tmp_path_factory.mktemp("batched")
    first = folder / "pubmed99n0001.xml"
    first.write_bytes(gzip.decompress(UPDATE_SOURCE.read_bytes()))
    replacing, _ = update_file(folder, "pubmed99n0002.xml")
    shifted, added = shifted_file(folder, "pubmed99n0003.xml", years=60)
    reshifted, _ = shifted_file(folder, "pubmed99n0004.xml", years=30)
    deleting = deleting_file(folder, "pubmed99n0005.xml", set(sorted(added)[:20]))
    files = [first, replacing, shifted, reshifted, deleting]
    con = run_files(folder / "one_by_one.duckdb", files, 0)
    state = comparable_state(con)
    con.close()
    return files, state


@pytest.mark.parametrize("batch_pmids", [ALL_AT_ONCE, SETTLES_AFTER_FIRST])
def test_a_batched_run_equals_files_loaded_one_by_one_and_a_rebuild(
    update_run: tuple[list[Path], dict], tmp_path: Path, batch_pmids: int
) -> None:
    """Replacements and deletions of PMIDs still pending (all of them with one settle at the
    end; the last three files' with a settle after the first file) and of PMIDs settled."""
    files, one_by_one = update_run
    con = connect(tmp_path / "batched.duckdb")
    pending = []
    for file in files:
        load_file(con, file, aggregate_batch_pmids=batch_pmids)
        pending.append(aggregates.pending_articles(con))
    if batch_pmids == ALL_AT_ONCE:  # 30 deleted, then 40 new, 40 replaced, 20 deleted
        assert pending[1] == pending[0] - 30 and pending[2:4] == [pending[1] + 40] * 2
        assert pending[4] == pending[1] + 20
    else:  # the first file's adds settled, the second file's replacements pending again
        assert pending[0] == 0 and 150 < pending[1] < 300 and pending[4] == pending[1] + 20
    assert aggregates.settle(con) == pending[-1]
    assert aggregates.pending_articles(con) == 0
    assert comparable_state(con) == one_by_one
    assert_views_match_base_tables(con)
    assert_equals_a_rebuild(con)
    con.close()


def test_a_rollover_removing_pending_pmids(tmp_path: Path) -> None:
    """A yearly rollover drops articles whose adds are still pending: they leave the pending
    set, and the settle adds only the articles still there."""
    old, new = tmp_path / "pubmed25n0001.xml", tmp_path / "pubmed26n0001.xml"
    old.write_bytes((CORPUS / "xml/biopython/pubmed1.xml").read_bytes())
    new.write_bytes(gzip.decompress(UPDATE_SOURCE.read_bytes()))
    con = connect(tmp_path / "warehouse.duckdb")
    for file in (old, new):
        load_file(con, file, aggregate_batch_pmids=ALL_AT_ONCE)
    pending = aggregates.pending_articles(con)
    assert drop_baseline_dropouts(con, ["26n00001"]) == 2
    assert aggregates.settle(con) == pending - 2
    assert_views_match_base_tables(con)
    assert_equals_a_rebuild(con)
    con.close()


@pytest.mark.parametrize("batch_pmids", [ALL_AT_ONCE, 50])
def test_uis_filled_and_vocabularies_loaded_while_adds_are_pending(
    tmp_path: Path, batch_pmids: int
) -> None:
    """MEDLINE records (names without UIs) pending, a MeSH vocabulary loaded (its roll-ups
    recomputed for the articles not pending), XML records filling the UIs of older pending
    articles, replacements, a new vocabulary year: settled, the MeSH roll-ups and the views
    equal what the base tables give, and a rebuild."""
    files = [
        *discover([CORPUS / "medline"]),
        DESC,
        SUPP,
        *discover([CORPUS / "xml"]),
        update_file(tmp_path, "pubmed99n0001.xml")[0],
        retreed(tmp_path),
    ]
    con = run_files(tmp_path / "warehouse.duckdb", files, batch_pmids)
    assert aggregates.pending_articles(con) == 0
    assert_rollups_match_base_tables(con)
    assert_views_match_base_tables(con)
    assert_equals_a_rebuild(con)
    con.close()


def test_a_citation_collection_loaded_while_adds_are_pending(tmp_path: Path) -> None:
    """An OCC snapshot recomputes the citation aggregates of the articles not pending; the
    settle adds the pending ones' with the snapshot's pairs: as files loaded one by one."""
    pairs = occ_pairs(sorted(graph_citations()), expected_links())
    archive = zipped(write_occ(tmp_path / "open_citation_collection.csv", pairs))
    files = [*discover(GRAPH_FILES), archive]
    batched = run_files(tmp_path / "batched.duckdb", files, ALL_AT_ONCE)
    one_by_one = run_files(tmp_path / "one_by_one.duckdb", files, 0)
    assert comparable_state(batched) == comparable_state(one_by_one)
    assert_equals_a_rebuild(batched)
    batched.close()
    one_by_one.close()


def noting_pending(pending_after: list[int]):
    """The plain steps of a run, noting after each file how many articles' adds are pending."""

    def load_one(con, path, settings, run_id=None, on_records=None):
        result = load_one_file(con, path, settings, run_id, on_records)
        pending_after.append(aggregates.pending_articles(con))
        return result

    return replace(PLAIN_STEPS, load_one=load_one)


def test_runs_of_several_files_batch_and_publish_settled(
    update_run: tuple[list[Path], dict], tmp_path: Path
) -> None:
    """Writer runs of several files leave adds pending between their files, settle them when
    they close, and publish a readers' copy (built, then caught up) with none pending and the
    warehouse's aggregates."""
    files, one_by_one = update_run
    settings = Settings(db=tmp_path / "pubmed.duckdb", aggregate_batch_pmids=ALL_AT_ONCE)
    pending_after: list[int] = []
    steps = noting_pending(pending_after)
    for run in (files[:3], files[3:]):
        results = ingest_files([str(f) for f in run], settings, steps=steps)
        assert [r.status for r in results] == ["loaded"] * len(run)
        con = connect(settings.db)
        warehouse = {table: nonzero_rows(con, table) for table in COUNTED}
        con.close()
        copy = duckdb.connect(str(settings.snapshot_path()), read_only=True)
        assert copy.execute("select count(*) from pending_aggregates").fetchone()[0] == 0
        assert {table: nonzero_rows(copy, table) for table in COUNTED} == warehouse
        copy.close()
    assert min(pending_after) > 0
    con = connect(settings.db)
    assert comparable_state(con) == one_by_one
    con.close()


def test_a_file_loaded_alone_adds_in_its_own_transaction(tmp_path: Path) -> None:
    """A run of one file gains nothing from batching (the settle would merge and commit once
    more): its adds are made in its transaction."""
    settings = Settings(db=tmp_path / "pubmed.duckdb", aggregate_batch_pmids=ALL_AT_ONCE)
    pending_after: list[int] = []
    steps = noting_pending(pending_after)
    ingest_files([str(UPDATE_SOURCE)], settings, steps=steps)
    assert pending_after == [0]


KILLED_RUN = """
import sys, time
from pathlib import Path
from warehouse.db import connect
from warehouse.loading import aggregates
from warehouse.loading.load import load_file
con = connect(sys.argv[1])
for path in sys.argv[2:]:
    load_file(con, Path(path), aggregate_batch_pmids=10**6)
print(aggregates.pending_articles(con), flush=True)
time.sleep(600)
"""


def _killed_with_adds_pending(db: Path, files: list[Path]) -> int:
    """Load FILES in a real process with the adds batched, SIGKILL it once they are committed
    with their adds pending; how many it said were pending."""
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, str(db), *map(str, files)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        said = process.stdout.readline()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    return int(said)


def test_a_run_killed_with_adds_pending_is_settled_by_the_next_writer(
    update_run: tuple[list[Path], dict], tmp_path: Path
) -> None:
    files, one_by_one = update_run
    db = tmp_path / "pubmed.duckdb"
    pending = _killed_with_adds_pending(db, files[:3])
    assert pending > 0
    raw = duckdb.connect(str(db))  # not the writer's connection, which would settle them
    assert raw.execute("select count(*) from pending_aggregates").fetchone()[0] == pending
    with pytest.raises(AggregatesPending):
        publish_readers_copy(raw, tmp_path / "pubmed.snapshot.duckdb")
    assert not (tmp_path / "pubmed.snapshot.duckdb").exists()
    assert [r.name for r in run_checks(raw) if not r.passed] == ["aggregates_settled"]
    raw.close()
    status = subprocess.run([CLI, "status", "--db", str(db)], capture_output=True, text=True)
    said = " ".join(status.stdout.split())
    assert f"aggregates pending: the aggregates lack the contribution of {pending:,}" in said
    query = subprocess.run(
        [CLI, "query", "--db", str(db), "select count(*) from term_by_year"],
        capture_output=True,
        text=True,
    )
    assert query.returncode == 0 and "lack the contribution" in query.stderr, query.stderr
    check = subprocess.run([CLI, "check", "--db", str(db)], capture_output=True, text=True)
    assert check.returncode == 1 and "aggregates_settled" in check.stdout + check.stderr
    settings = Settings(db=db, aggregate_batch_pmids=ALL_AT_ONCE)
    results = ingest_files([str(f) for f in files], settings)
    assert [r.status for r in results] == ["already-loaded"] * 3 + ["loaded"] * 2
    con = connect(db)
    assert comparable_state(con) == one_by_one
    assert [r.name for r in run_checks(con) if not r.passed] == []
    con.close()


def test_the_writers_connection_settles_what_a_killed_run_left(
    update_run: tuple[list[Path], dict], tmp_path: Path
) -> None:
    files, _ = update_run
    db = tmp_path / "pubmed.duckdb"
    assert _killed_with_adds_pending(db, files[:1]) > 0
    con = connect(db)
    assert aggregates.pending_articles(con) == 0
    assert_views_match_base_tables(con)
    con.close()
