"""One Settings object reaches every flow whole: no setting is unpacked, so none is dropped."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pytest

from flows.deployments import deployments
from flows.inbox import inbox
from flows.ingest import ingest
from flows.sync import sync
from tests.conftest import CORPUS
from warehouse.config import Settings
from warehouse.errors import ConfigError
from warehouse.runs.ingest import ingest_files

PUBMED1 = CORPUS / "xml/biopython/pubmed1.xml"


@pytest.mark.parametrize("flow", [ingest, sync, inbox], ids=lambda f: f.name)
def test_flows_take_the_settings_whole(flow) -> None:
    parameters = inspect.signature(flow.fn).parameters
    assert parameters["settings"].annotation in (Settings, "Settings")
    assert not set(parameters) & set(Settings.model_fields), "a setting passed on its own"


def test_deployments_carry_every_setting(tmp_path: Path) -> None:
    settings = Settings(
        db=tmp_path / "w.duckdb",
        mirror_url="http://127.0.0.1:9/pubmed/",
        lock_timeout_seconds=3,
        load_memory_limit="123MB",
        batch_size=17,
        inbox_settle_seconds=2,
        download_retries=5,
    )
    served = deployments(settings)
    assert sorted(d.name for d in served) == ["inbox", "sync"]
    for deployment in served:
        given = Settings(**deployment.parameters["settings"])
        assert given == settings.resolved()
        assert (given.lock_timeout_seconds, given.load_memory_limit) == (3, "123MB")


def _inbox_with_a_file(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(PUBMED1, folder / "pubmed1.xml")
    return folder


def test_memory_limit_reaches_the_load_in_every_flow(tmp_path: Path, prefect_harness) -> None:
    """An unusable DuckDB memory limit stops each flow at its first connection, by name."""
    settings = Settings(
        db=tmp_path / "w.duckdb",
        load_memory_limit="plenty",
        inbox_dir=_inbox_with_a_file(tmp_path),
        inbox_settle_seconds=0,
    )
    for run in (
        lambda: ingest_files([str(PUBMED1)], settings),
        lambda: ingest([str(PUBMED1)], settings),
        lambda: inbox(settings),
    ):
        with pytest.raises(ConfigError, match="memory limit 'plenty' is not usable"):
            run()
