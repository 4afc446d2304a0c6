"""The command line: the README's main job, read commands, help and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import CORPUS
from warehouse.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory: pytest.TempPathFactory, prefect_harness) -> Path:
    """A warehouse holding the bundled sample, loaded through the CLI and the ingest flow."""
    db = tmp_path_factory.mktemp("cli") / "sample.duckdb"
    result = runner.invoke(app, ["load", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "rows per table" in result.output
    return db


def test_load_sample_runs_the_flow(loaded_db: Path) -> None:
    result = runner.invoke(
        app,
        [
            "query",
            "--db",
            str(loaded_db),
            "--format",
            "json",
            "select count(*) as n, count(flow_run_id) as with_run from ingested_files",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["n"] == rows[0]["with_run"] >= 5


def test_query_csv(loaded_db: Path) -> None:
    result = runner.invoke(
        app,
        [
            "query",
            "--db",
            str(loaded_db),
            "--format",
            "csv",
            "select pmid, pub_year from articles where pmid = 20729678",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["pmid,pub_year", "20729678,2010"]


def test_query_bad_sql_is_a_clear_error(loaded_db: Path) -> None:
    result = runner.invoke(app, ["query", "--db", str(loaded_db), "select * from nowhere"])
    assert result.exit_code == 2
    assert "query failed" in result.output
    assert "Traceback" not in result.output


def test_status(loaded_db: Path) -> None:
    result = runner.invoke(app, ["status", "--db", str(loaded_db)])
    assert result.exit_code == 0, result.output
    assert "articles" in result.output and "files loaded" in result.output


def test_rejects_lists_reasons(loaded_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    text = (CORPUS / "xml/biopython/pubmed2.xml").read_text()
    bad.write_text(text.replace('<PMID Version="1">11748933</PMID>', "", 1))
    db = tmp_path / "r.duckdb"
    result = runner.invoke(app, ["load", "--db", str(db), str(bad)])
    assert result.exit_code == 1, result.output
    assert "1 records rejected" in result.output
    listed = runner.invoke(app, ["rejects", "--db", str(db)])
    assert listed.exit_code == 0
    assert "no PMID" in listed.output


def test_read_commands_do_not_start_prefect(loaded_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing listens there
    result = runner.invoke(app, ["status", "--db", str(loaded_db)])
    assert result.exit_code == 0


def test_missing_warehouse_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "run `pubmed-warehouse load` first" in result.output


def test_unknown_path_is_a_usage_error(tmp_path: Path, prefect_harness) -> None:
    result = runner.invoke(app, ["load", "--db", str(tmp_path / "w.duckdb"), "no/such/file.xml"])
    assert result.exit_code == 2
    assert "no file matches" in result.output


def test_every_command_has_help_with_an_example() -> None:
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert {"load", "query", "status", "rejects", "export"} <= set(commands)
    for command in commands:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output, command


def test_query_file_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "--file", str(tmp_path / "none.sql")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_usage_errors_do_not_depend_on_the_terminal_width(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["a-long-folder-name"] * 12, "none.sql")
    for columns in ("20", "80", "400"):
        result = CliRunner(env={"COLUMNS": columns}).invoke(app, ["query", "--file", str(deep)])
        assert result.exit_code == 2
        assert f"{deep} does not exist" in result.output
