"""Shared fixtures: the NCBI corpus, temporary warehouses, one Prefect harness per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
TEST_DATA = Path(__file__).resolve().parent / "data"


def corpus_files(folder: str, *patterns: str) -> list[Path]:
    """Files of a corpus folder (never `holdout/`), sorted."""
    root = CORPUS / folder
    found = {p for pattern in patterns for p in root.rglob(pattern) if p.is_file()}
    return sorted(found)


XML_FILES = corpus_files("xml", "*.xml", "*.xml.gz")


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
    from warehouse.load import load_file

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
