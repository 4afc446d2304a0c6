"""A MeSH load says what it replaced, skips older years of a kind, and states a guessed year."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import CLI, CORPUS

DESC_2016 = CORPUS / "mesh" / "meshrdf" / "desc-samples.xml"  # 43 records of MeSH 2016
DESC_2025 = CORPUS / "mesh" / "wellcome" / "raw_descriptors.xml"  # 7 records, DOCTYPE 2025
DESC_UNSTATED = CORPUS / "mesh" / "drugref" / "mesh_ci_desc_subset.xml"  # no year in name or DTD


def _load(db: Path, *paths: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PUBMED_"))}
    environment["COLUMNS"] = "400"  # one message a line
    command = [CLI, "load", "--db", str(db), *map(str, paths)]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)


def test_a_folder_of_two_years_loads_the_newest_and_says_what_it_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "mesh"
    folder.mkdir()
    shutil.copy(DESC_2016, folder / "desc2016.xml")
    shutil.copy(DESC_2025, folder / "desc2025.xml")
    done = _load(tmp_path / "w.duckdb", folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "MeSH desc2016.xml: descriptors 2016 skipped: this run loads descriptors 2025"
        in done.stdout
    )
    assert "MeSH desc2025.xml: descriptors 2025 (7 records) loaded" in done.stdout


def test_a_later_year_says_what_it_replaced(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(DESC_2016, tmp_path / "desc2016.xml")
    shutil.copy(DESC_2025, tmp_path / "desc2025.xml")
    assert _load(db, tmp_path / "desc2016.xml").returncode == 0
    done = _load(db, tmp_path / "desc2025.xml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "descriptors 2016 (43 records) replaced by 2025 (7)" in done.stdout


def test_a_year_from_neither_name_nor_doctype_is_stated(tmp_path: Path) -> None:
    done = _load(tmp_path / "w.duckdb", DESC_UNSTATED)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the year is in neither the file name nor its DOCTYPE" in done.stdout
    assert "name the file descYYYY.xml to state it" in done.stdout
