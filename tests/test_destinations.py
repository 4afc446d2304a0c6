"""A user's files are never removed or overwritten unless they ask (`--overwrite`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CLI, CORPUS
from warehouse.destinations import MANIFEST


def _environment() -> dict[str, str]:
    """No Prefect API: commands run without a server."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PUBMED_"))}


def _cli(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, *arguments], env=_environment(), capture_output=True, text=True, cwd=cwd, timeout=300
    )


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse loaded from a real XML file of the corpus."""
    db = tmp_path_factory.mktemp("warehouse") / "w.duckdb"
    loaded = _cli("load", "--db", str(db), str(CORPUS / "xml" / "biopython" / "pubmed4.xml"))
    assert loaded.returncode == 0, loaded.stderr
    return db


def test_export_refuses_a_folder_holding_a_users_file_and_keeps_it(
    warehouse_file: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mydocs"
    folder.mkdir()
    (folder / "notes.txt").write_text("notes\n")
    refused = _cli("export", "--db", str(warehouse_file), str(folder))
    assert refused.returncode == 2
    assert "notes.txt" in refused.stderr and "--overwrite" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    beside = _cli("export", "--db", str(warehouse_file), "--overwrite", str(folder))
    assert beside.returncode == 0, beside.stderr
    assert (folder / "notes.txt").read_text() == "notes\n"
    assert (folder / "authors.parquet").is_file() and (folder / MANIFEST).is_file()


def test_a_rerun_replaces_its_own_export_and_nothing_else(
    warehouse_file: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "lake"
    assert _cli("export", "--db", str(warehouse_file), str(folder)).returncode == 0
    (folder / "authors.parquet").write_bytes(b"stale")
    again = _cli("export", "--db", str(warehouse_file), str(folder))
    assert again.returncode == 0, again.stderr
    assert (folder / "authors.parquet").read_bytes()[:4] == b"PAR1"
    (folder / "readme.md").write_text("mine")
    refused = _cli("export", "--db", str(warehouse_file), str(folder))
    assert refused.returncode == 2 and "readme.md" in refused.stderr
    assert (folder / "readme.md").read_text() == "mine"


def test_export_dot_writes_beside_the_users_files_with_overwrite(
    warehouse_file: Path, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("notes\n")
    refused = _cli("export", "--db", str(warehouse_file), ".", cwd=tmp_path)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    written = _cli("export", "--db", str(warehouse_file), ".", "--overwrite", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "notes.txt").read_text() == "notes\n"
    assert (tmp_path / "articles").is_dir()


def test_query_output_and_report_keep_a_users_file(warehouse_file: Path, tmp_path: Path) -> None:
    mine = tmp_path / "results.csv"
    mine.write_text("my results\n")
    query = ["query", "--db", str(warehouse_file), "--format", "csv", "-o", str(mine)]
    refused = _cli(*query, "select 1 as one")
    assert refused.returncode == 2 and "--overwrite" in refused.stderr
    assert mine.read_text() == "my results\n"
    assert _cli(*query, "--overwrite", "select 1 as one").returncode == 0
    assert mine.read_text() == "one\n1\n"
    page = tmp_path / "page.html"
    page.write_text("<html>my own page</html>")
    refused = _cli("report", "--db", str(warehouse_file), str(page))
    assert refused.returncode == 2 and "--overwrite" in refused.stderr
    assert page.read_text() == "<html>my own page</html>"
    report = tmp_path / "report.html"
    for _ in range(2):  # a report written before is the command's own: replaced
        written = _cli("report", "--db", str(warehouse_file), str(report))
        assert written.returncode == 0, written.stderr
    assert not list(tmp_path.glob(".*.part"))
