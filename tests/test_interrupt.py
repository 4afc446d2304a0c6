"""Ctrl-C and SIGTERM during a real load: it stops at once with one line; a rerun finishes it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CLI, CORPUS, REPO, in_own_group, stop_with

MAKE_BENCH_XML = REPO.parent / "shared" / "tools" / "make_bench_xml.py"
FILES = {"pubmed26n0001.xml.gz": 300, "pubmed26n0002.xml.gz": 6000, "pubmed26n0003.xml.gz": 6000}
LINE = re.compile(r"interrupted: (\d+) files committed, (\d+) not loaded; rerun to finish\n")


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three NLM-named files of real records (distinct PMIDs), 30 MiB gzipped together."""
    folder = tmp_path_factory.mktemp("big-input")
    for number, (name, records) in enumerate(FILES.items(), start=1):
        subprocess.run(
            [
                *(sys.executable, str(MAKE_BENCH_XML), str(folder / name)),
                *("--records", str(records), "--seed-dir", str(CORPUS / "xml")),
                *("--first-pmid", str(number * 1_000_000)),
            ],
            check=True,
            capture_output=True,
        )
    return folder


def _environment() -> dict[str, str]:
    """No Prefect API: the load runs its steps without a server."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PUBMED_"))}


def _children(pid: int) -> list[int]:
    """The parse processes of PID (spawned pool workers; not multiprocessing's tracker)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines())
            command = (status.parent / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(pid) and b"spawn_main" in command:
            found.append(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


def _importing(pid: int) -> bool:
    """PID has Python's SIGINT handler (it is past start-up) and does not ignore SIGINT yet."""
    try:
        fields = dict(
            line.split(":\t", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        )
    except (OSError, ValueError):
        return False
    sigint = 1 << (signal.SIGINT - 1)
    return bool(int(fields["SigCgt"], 16) & sigint) and not int(fields["SigIgn"], 16) & sigint


def _wait_first_file_committed(staging: Path, load: subprocess.Popen, timeout: float) -> None:
    """The first file's staging folder appears, then goes: it was applied and committed."""
    deadline, seen = time.monotonic() + timeout, False
    while time.monotonic() < deadline and load.poll() is None:
        present = any(staging.glob("staging-*/000000"))
        if seen and not present:
            return
        seen = seen or present
        time.sleep(0.05)
    pytest.fail(f"the first file was not committed in {timeout} s (exit {load.poll()})")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "to_group"), [(signal.SIGINT, True), (signal.SIGTERM, False)], ids=["ctrl-c", "term"]
)
def test_a_signal_stops_the_load_and_a_rerun_finishes_it(
    big_input: Path, tmp_path: Path, signum: int, to_group: bool
) -> None:
    db, staging = tmp_path / "w.duckdb", tmp_path / "staging"
    command = [CLI, "load", "--db", str(db), "--staging", str(staging), str(big_input)]
    with in_own_group(command, _environment()) as load:
        _wait_first_file_committed(staging, load, timeout=300)
        parsers = _children(load.pid)
        assert parsers, "the load parses in child processes"
        _, err, seconds = stop_with(load, signum, group=to_group)  # Ctrl-C reaches the group
    assert load.returncode == 128 + signum, err
    assert seconds < 2.0, f"took {seconds:.1f} s to stop"
    match = LINE.fullmatch(err)
    assert match, err  # one line, no traceback
    committed, pending = int(match[1]), int(match[2])
    assert committed >= 1 and committed + pending == len(FILES)
    assert not [pid for pid in parsers if _alive(pid)], "parse processes left running"
    assert not list(staging.glob("staging-*")), "staging left behind"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from ingested_files").fetchone()[0] == committed
    if signum == signal.SIGINT:
        rerun = subprocess.run(command, env=_environment(), capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("select count(*) from articles").fetchone()[0] == sum(FILES.values())


@pytest.mark.slow
def test_ctrl_c_while_the_parse_processes_start_gives_one_line(
    big_input: Path, tmp_path: Path
) -> None:
    """Ctrl-C reaches the parse processes while they import the parser (they are started first,
    before the warehouse is opened; Python's own SIGINT handler is in place, the parser's
    initializer has not run yet): no traceback of theirs, one line, exit 130."""
    command = [CLI, "load", "--db", str(tmp_path / "w.duckdb"), str(big_input)]
    with in_own_group(command, _environment()) as load:
        deadline = time.monotonic() + 60
        while not (parsers := [p for p in _children(load.pid) if _importing(p)]):
            assert load.poll() is None and time.monotonic() < deadline, "no parser importing"
            time.sleep(0.002)
        _, err, seconds = stop_with(load, signal.SIGINT, group=True)
    assert load.returncode == 130, err
    assert seconds < 2.0, f"took {seconds:.1f} s to stop"
    assert LINE.fullmatch(err), err  # one line, no traceback
    assert not [pid for pid in parsers if _alive(pid)], "parse processes left running"
