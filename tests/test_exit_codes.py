"""Exit codes and messages that tell scripts the truth, on real CLI processes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import CLI, CORPUS

PUBMED1 = CORPUS / "xml" / "biopython" / "pubmed1.xml"


def _cli(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PUBMED_"))}
    return subprocess.run(
        [CLI, *arguments], env=environment, capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_a_rerun_over_files_rejected_before_still_exits_1(tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "pmids.txt").write_text("30034368\n17630804\n")
    (junk / "notes.txt").write_text("things to read later\n")
    db = str(tmp_path / "w.duckdb")
    first = _cli("load", "--db", db, str(junk))
    assert first.returncode == 1, first.stderr
    rerun = _cli("load", "--db", db, str(junk / "pmids.txt"), str(junk / "notes.txt"))
    assert rerun.returncode == 1, rerun.stdout + rerun.stderr
    assert rerun.stdout.count("rejected-before") == 2
    assert "2 files rejected" in rerun.stderr
    assert "load them again" in rerun.stderr


def test_bare_pmids_point_to_fetch(tmp_path: Path) -> None:
    done = _cli("load", "--db", str(tmp_path / "w.duckdb"), "30034368", "17630804")
    assert done.returncode == 2
    assert "pubmed-warehouse fetch 30034368 17630804" in done.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_load_dot_never_reads_the_warehouse_itself(tmp_path: Path) -> None:
    shutil.copy(PUBMED1, tmp_path / "pubmed1.xml")
    assert _cli("load", str(tmp_path / "pubmed1.xml"), cwd=tmp_path).returncode == 0
    assert (tmp_path / "pubmed.duckdb").exists()
    again = _cli("load", ".", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "skipping the warehouse's own files: pubmed.duckdb" in again.stderr
    assert "pubmed.duckdb " not in again.stdout  # not in the table of files loaded


def test_a_db_that_is_no_warehouse_leaves_no_lock(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# my notes\n")
    done = _cli("load", "--db", str(notes), str(PUBMED1))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert notes.read_text() == "# my notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md"]


def test_status_names_nlm_files_and_separates_file_and_record_rejects(tmp_path: Path) -> None:
    shutil.copy(PUBMED1, tmp_path / "pubmed26n0001.xml")
    (tmp_path / "notes.txt").write_text("things to read later\n")
    db = str(tmp_path / "w.duckdb")
    assert _cli("load", "--db", db, str(tmp_path / "pubmed26n0001.xml")).returncode == 0
    assert _cli("load", "--db", db, str(tmp_path / "notes.txt")).returncode == 1
    status = _cli("status", "--db", db)
    assert status.returncode == 0, status.stderr
    assert "files rejected whole: 1" in status.stdout
    assert "records rejected (in loaded files): 0" in status.stdout
    assert "newest NLM file: pubmed26n0001.xml" in status.stdout
