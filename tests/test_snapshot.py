"""Readers are not locked out by loads: the ingest flow publishes a read-only snapshot."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CORPUS
from warehouse.db import connect
from warehouse.loading.load import load_file
from warehouse.readers.snapshot import default_snapshot_path, publish_snapshot

CLI = [sys.executable, "-c", "from warehouse.cli import main; main()"]

HOLD_OPEN = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'read')
count = con.execute('select count(*) from articles').fetchone()[0]
print(count, flush=True)
sys.stdin.readline()
print(con.execute('select count(*) from articles').fetchone()[0], flush=True)
con.close()
"""


@contextmanager
def process_holding(path: Path, mode: str) -> Iterator[subprocess.Popen]:
    """Another process with PATH open (`write` or `read`) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield holder
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait(timeout=30)


@pytest.fixture(scope="module")
def loaded_with_snapshot(tmp_path_factory: pytest.TempPathFactory, prefect_harness) -> Path:
    """A warehouse loaded by the ingest flow, which published its snapshot."""
    from flows.ingest import ingest
    from warehouse.config import Settings

    db = tmp_path_factory.mktemp("snapshot") / "pubmed.duckdb"
    ingest([str(CORPUS / "xml" / "zotero")], Settings(db=db))
    return db


def test_ingest_publishes_a_snapshot_beside_the_warehouse(loaded_with_snapshot: Path) -> None:
    snapshot = loaded_with_snapshot.with_name("pubmed.snapshot.duckdb")
    assert default_snapshot_path(loaded_with_snapshot) == snapshot
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        assert con.execute("select count(*) from articles").fetchone()[0] == 13
        comment = con.execute(
            "select comment from duckdb_views() where view_name = 'article_summary'"
        ).fetchone()[0]
        assert comment.startswith("One row per article")
    finally:
        con.close()
    assert not list(snapshot.parent.glob(".*.partial"))


def test_reader_queries_the_snapshot_while_a_writer_holds_the_warehouse(
    loaded_with_snapshot: Path,
) -> None:
    snapshot = default_snapshot_path(loaded_with_snapshot)
    with process_holding(loaded_with_snapshot, "write") as writer:
        assert writer.stdout.readline().strip() == "13"
        locked = subprocess.run(
            [*CLI, "status", "--db", str(loaded_with_snapshot)], capture_output=True, text=True
        )
        assert locked.returncode == 0, locked.stderr
        note = f"being written by a load: reading the snapshot {snapshot}, published "
        assert note in locked.stderr
        assert "files loaded:" in locked.stdout
        chosen = subprocess.run(
            [*CLI, "query", "--db", str(loaded_with_snapshot), "--snapshot", "select 1 as one"],
            capture_output=True,
            text=True,
        )
        assert chosen.returncode == 0, chosen.stderr
        assert chosen.stderr == ""  # asked for: no note
        read = subprocess.run(
            [
                *CLI,
                "query",
                "--db",
                str(snapshot),
                "--format",
                "csv",
                "select count(*) as n from article_summary",
            ],
            capture_output=True,
            text=True,
        )
        assert read.returncode == 0, read.stderr
        assert read.stdout.splitlines() == ["n", "13"]
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "13"


def test_publishing_replaces_the_snapshot_under_an_open_reader(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    snapshot = tmp_path / "w.snapshot.duckdb"
    con = connect(db)
    load_file(con, CORPUS / "pairs/22202258/22202258.xml")
    publish_snapshot(con, snapshot)
    with process_holding(snapshot, "read") as reader:
        assert reader.stdout.readline().strip() == "1"
        load_file(con, CORPUS / "pairs/29742719/29742719.xml")
        publish_snapshot(con, snapshot)
        fresh = duckdb.connect(str(snapshot), read_only=True)
        assert fresh.execute("select count(*) from articles").fetchone()[0] == 2
        fresh.close()
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1"  # the old copy stays whole for it
    con.close()
