"""`pubmed-warehouse serve` against a real Prefect server started by the test on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest

from tests.conftest import CORPUS, free_port, stop_with
from tests.nlm_mirror import gzipped, serve_mirror

BIN = Path(sys.executable).parent
PUBMED1 = CORPUS / "xml/biopython/pubmed1.xml"  # PMIDs 9997, 12091962
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def wait_for(check, timeout: float, what: str):
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def stop(process: subprocess.Popen, grace: float = 30) -> None:
    """Stop a process the test started, by its id: SIGTERM, then SIGKILL after `grace` s."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real `prefect server start` on a free loopback port: (API URL, PREFECT_HOME)."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    log = (home / "server.log").open("wb")
    process = subprocess.Popen(
        [BIN / "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(lambda: _healthy(api), 90, "the Prefect server's /api/health")
        yield api, home
    finally:
        stop(process)
        log.close()


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def call(method: str, url: str, json: dict | None = None, timeout: float = 60) -> dict | list:
    """One Prefect API call, tried again for `timeout` s while the answer can be transient: 5xx
    (the server's SQLite database busy with the scheduler's writes on a loaded machine), 404 or
    409 (`serve` still registering the deployment it has just listed). Any other failure, or one
    that outlasts the timeout, fails the test with the server's answer."""
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.request(method, url, json=json, timeout=10)
        transient = response.status_code >= 500 or response.status_code in (404, 409)
        if not transient or time.monotonic() > deadline:
            break
        time.sleep(1)
    if response.is_error:
        pytest.fail(f"{method} {url} answered {response.status_code}: {response.text[:2000]}")
    return response.json()


def deployments(api: str) -> dict[str, dict]:
    return {d["name"]: d for d in call("POST", f"{api}/deployments/filter", json={})}


def run_deployment(api: str, deployment_id: str) -> dict:
    """Trigger a run of a deployment through the API and wait until it ends."""
    created = call("POST", f"{api}/deployments/{deployment_id}/create_flow_run", json={})
    run_id = created["id"]

    def finished() -> dict | None:
        run = call("GET", f"{api}/flow_runs/{run_id}")
        return run if run["state_type"] in TERMINAL else None

    return wait_for(finished, 90, f"flow run {run_id}")


def pmids(db: Path) -> set[int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {pmid for (pmid,) in con.execute("select pmid from articles").fetchall()}
    finally:
        con.close()


@pytest.mark.slow
def test_serve_deploys_scheduled_flows_and_a_triggered_run_loads(
    prefect_server: tuple[str, Path], tmp_path: Path
) -> None:
    api, home = prefect_server
    inbox, db = tmp_path / "inbox", tmp_path / "warehouse.duckdb"
    inbox.mkdir()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api,
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",  # pick triggered runs up at once
        "PUBMED_WAREHOUSE_DB": str(db),
        "PUBMED_WAREHOUSE_INBOX_DIR": str(inbox),
        "PUBMED_WAREHOUSE_INBOX_SETTLE_SECONDS": "0",
        "PUBMED_WAREHOUSE_DOWNLOAD_DIR": str(tmp_path / "downloads"),
    }
    with serve_mirror(tmp_path / "site") as mirror:
        mirror.publish("baseline", "pubmed26n0001.xml.gz", gzipped(PUBMED1))
        command = [BIN / "pubmed-warehouse", "serve", "--mirror", mirror.url]
        serving = subprocess.Popen(
            [*command, "--sync-cron", "0 6 * * *", "--inbox-interval", "3600"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            served = wait_for(
                lambda: (found := deployments(api)) and len(found) == 2 and found,
                60,
                "the sync and inbox deployments",
            )
            assert served["sync"]["schedules"][0]["schedule"]["cron"] == "0 6 * * *"
            assert served["inbox"]["schedules"][0]["schedule"]["interval"] == 3600
            assert all(d["schedules"][0]["active"] for d in served.values())
            synced = run_deployment(api, served["sync"]["id"])
            assert synced["state_type"] == "COMPLETED", synced["state"]
            assert pmids(db) == {9997, 12091962}
        finally:
            stop(serving)  # before the server: a serve whose server is gone hangs on SIGTERM
    con = duckdb.connect(str(db), read_only=True)
    loaded_by = con.execute("select file_order_key, flow_run_id from ingested_files").fetchall()
    con.close()
    assert loaded_by == [("26n00001", synced["id"])]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_on_a_signal_with_its_exit_code(
    prefect_server: tuple[str, Path], tmp_path: Path, signum: int
) -> None:
    api, home = prefect_server
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api,
        "PUBMED_WAREHOUSE_DB": str(tmp_path / "warehouse.duckdb"),
        "PUBMED_WAREHOUSE_INBOX_DIR": str(tmp_path / "inbox"),
    }
    serving = subprocess.Popen(
        [BIN / "pubmed-warehouse", "serve", "--inbox-interval", "3600"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "serving inbox/inbox" in serving.stdout.readline()
        time.sleep(3)  # the runner polling for scheduled runs
        _, err, seconds = stop_with(serving, signum, timeout=30)
    finally:
        stop(serving)
    assert serving.returncode == 128 + signum, err
    assert seconds < 2, f"serve took {seconds:.1f} s to stop"
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == f"serve stopped ({signal.Signals(signum).name})"
