"""One writer at a time: the advisory lock on `<db>.lock`, and two real loads started at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CLI, CORPUS
from tests.states import read_state
from warehouse.db import connect
from warehouse.errors import StorageError, WarehouseLocked
from warehouse.inputs import discover
from warehouse.loading.load import load_file
from warehouse.readers.checks import run_checks
from warehouse.readers.snapshot import default_snapshot_path
from warehouse.runs.lock import holder_pid, lock_path, writer_lock

HOLD = """
import sys, time
from warehouse.runs.lock import writer_lock
with writer_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""
WRITE = """
import sys, time
from warehouse.db import connect
from warehouse.runs.lock import writer_lock
with writer_lock(sys.argv[1]):
    con = connect(sys.argv[1])
    con.begin()
    con.execute("delete from articles")
    print("held", flush=True)
    time.sleep(30)
"""


def _hold_in_other_process(db: Path, seconds: float) -> subprocess.Popen:
    """A real second process that takes the lock and holds it for `seconds`."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_second_writer_fails_at_once_naming_the_holder(db_path: Path) -> None:
    holder = _hold_in_other_process(db_path, 30)
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseLocked) as caught, writer_lock(db_path, 0):
            pass
        assert time.monotonic() - started < 1
        assert f"being written by process {holder.pid}" in str(caught.value)
        assert holder_pid(db_path) == holder.pid
    finally:
        holder.kill()
        holder.wait()


def test_second_writer_waits_for_the_first(db_path: Path) -> None:
    holder = _hold_in_other_process(db_path, 1.0)
    started = time.monotonic()
    with writer_lock(db_path, 30):
        waited = time.monotonic() - started
        assert holder_pid(db_path) == os.getpid()
    holder.wait()
    assert 0.5 < waited < 30


def test_waiting_writer_gives_up_after_its_timeout(db_path: Path) -> None:
    holder = _hold_in_other_process(db_path, 30)
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseLocked, match="after waiting 1 s"), writer_lock(db_path, 1):
            pass
        assert 1 <= time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()


def test_lock_is_reentrant_and_released(db_path: Path) -> None:
    with writer_lock(db_path), writer_lock(db_path):
        assert holder_pid(db_path) == os.getpid()
    assert holder_pid(db_path) is None
    holder = _hold_in_other_process(db_path, 0)  # another process can take it now
    holder.wait()


def test_killed_holder_releases_the_lock(db_path: Path) -> None:
    holder = _hold_in_other_process(db_path, 30)
    holder.kill()
    holder.wait()
    with writer_lock(db_path, 0):  # flock dies with its process: no stale lock
        assert holder_pid(db_path) == os.getpid()


def test_unwritable_folder_is_a_storage_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK) and os.geteuid() == 0:
            pytest.skip("running as root: permissions do not stop writes (see test_faults)")
        with pytest.raises(StorageError, match="must be writable"), writer_lock(folder / "w.db"):
            pass
    finally:
        folder.chmod(0o755)


@pytest.mark.slow
def test_two_loads_at_once_never_both_write(prefect_server: dict[str, str], tmp_path: Path):
    folder = CORPUS / "xml/biopython"
    db = tmp_path / "twice.duckdb"
    env = prefect_server | {"PUBMED_WAREHOUSE_LOCK_TIMEOUT_SECONDS": "0"}
    runs = [
        subprocess.Popen(
            [CLI, "load", "--db", str(db), str(folder)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    codes = [run.returncode for run in runs]
    assert sorted(codes) == [0, 2], outputs
    loser = codes.index(2)
    message = " ".join(outputs[loser][1].split())
    assert f"being written by process {runs[1 - loser].pid}" in message
    assert "Traceback" not in outputs[loser][1]
    reference = connect(tmp_path / "reference.duckdb")
    for path in discover([folder]):
        load_file(reference, path)
    reference.close()
    assert read_state(db) == read_state(tmp_path / "reference.duckdb")
    assert not lock_path(db).read_text()  # released: no holder recorded
    con = connect(db, read_only=True)
    assert all(r.passed for r in run_checks(con))
    articles = con.execute("select count(*) from articles").fetchone()[0]
    con.close()
    _assert_readers_read_the_snapshot(db, articles)


def _assert_readers_read_the_snapshot(db: Path, articles: int) -> None:
    """While a writer holds the warehouse mid-transaction, readers read the last snapshot."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITE, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseLocked):
            connect(db, read_only=True)
        snapshot = duckdb.connect(str(default_snapshot_path(db)), read_only=True)
        assert snapshot.execute("select count(*) from articles").fetchone()[0] == articles
        snapshot.close()
    finally:
        writer.kill()
        writer.wait()
