"""Network commands fail fast without a network and stop cleanly on a signal (real processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CLI, XML_FILES, free_port, in_own_group, stop_with
from tests.eutils_server import Eutils, Fault, serve_eutils

UNRESOLVABLE = "http://pubmed-warehouse-test.invalid/"  # .invalid never resolves (RFC 2606)


def _environment(**settings: str) -> dict[str, str]:
    """No Prefect API and no settings of the caller's; SETTINGS as PUBMED_WAREHOUSE_ names."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PUBMED_"))}
    return kept | {f"PUBMED_WAREHOUSE_{name.upper()}": value for name, value in settings.items()}


def _run(arguments: list[str], **settings: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(
        [CLI, *arguments], env=_environment(**settings), capture_output=True, text=True, timeout=120
    )
    return done, time.monotonic() - started


@pytest.fixture
def failing_eutils() -> Iterator[Eutils]:
    """E-utilities on loopback that answers 503 to every request."""
    with serve_eutils(XML_FILES[:1]) as served:
        served.fail_next(*[Fault(503)] * 1000)
        yield served


@pytest.mark.parametrize(
    "root", [UNRESOLVABLE, "closed-port"], ids=["unresolvable-host", "closed-port"]
)
def test_fetch_without_a_host_fails_within_seconds(tmp_path: Path, root: str) -> None:
    url = f"http://127.0.0.1:{free_port()}/" if root == "closed-port" else root
    db = tmp_path / "w.duckdb"
    done, seconds = _run(["fetch", "--db", str(db), "30034368"], eutils_url=url)
    assert done.returncode == 2, done.stderr
    assert seconds < 10, f"took {seconds:.1f} s"
    assert "Traceback" not in done.stderr + done.stdout
    assert "cannot reach" in done.stderr and "check the network" in done.stderr


@pytest.mark.parametrize(
    "root", [UNRESOLVABLE, "closed-port"], ids=["unresolvable-host", "closed-port"]
)
def test_sync_without_a_host_fails_within_seconds(tmp_path: Path, root: str) -> None:
    url = f"http://127.0.0.1:{free_port()}/" if root == "closed-port" else root
    db = tmp_path / "w.duckdb"
    arguments = ["sync", "--db", str(db), "--mirror", url, "--download-dir", str(tmp_path / "d")]
    done, seconds = _run(arguments)
    assert done.returncode == 2, done.stderr
    assert seconds < 10, f"took {seconds:.1f} s"
    assert "Traceback" not in done.stderr + done.stdout
    assert "cannot reach" in done.stderr and "check the network" in done.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"])
def test_a_signal_stops_a_fetch_in_its_retries(
    failing_eutils: Eutils, tmp_path: Path, signum: int
) -> None:
    db = tmp_path / "w.duckdb"
    command = [CLI, "fetch", "--db", str(db), "--download-dir", str(tmp_path / "d"), "30034368"]
    with in_own_group(command, _environment(eutils_url=failing_eutils.url)) as fetch:
        deadline = time.monotonic() + 60
        while not failing_eutils.requests and time.monotonic() < deadline:
            assert fetch.poll() is None, fetch.communicate()
            time.sleep(0.05)
        assert failing_eutils.requests, "the fetch never asked the server"
        time.sleep(0.3)  # now waiting to retry
        out, err, seconds = stop_with(fetch, signum, timeout=30)
    assert fetch.returncode == 128 + signum, err
    assert seconds < 2.0, f"took {seconds:.1f} s to stop"
    assert "Traceback" not in err + out
    assert err.strip().splitlines()[-1] == "interrupted: 0 batches committed; rerun to finish"
    downloads = tmp_path / "d"
    assert not downloads.exists() or not any(downloads.iterdir()), "nothing half-written"
