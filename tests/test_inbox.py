"""The inbox flow on a real folder: load what is new, then file it under done/ or failed/."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

from flows.inbox import inbox
from tests.conftest import CORPUS
from warehouse.config import Settings
from warehouse.runs.inbox import new_inbox_files

PUBMED1 = CORPUS / "xml/biopython/pubmed1.xml"


def test_inbox_loads_then_files_away(tmp_path: Path, prefect_harness) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(PUBMED1, folder / "pubmed1.xml")
    shutil.copy(PUBMED1, folder / "same-as-pubmed1.xml")  # same bytes: already loaded
    (folder / "notes.csv").write_text("pmid,title\n1,not PubMed\n")
    db = tmp_path / "warehouse.duckdb"
    settings = Settings(inbox_dir=folder, db=db, inbox_settle_seconds=0)
    results = inbox(settings)
    assert sorted(r.status for r in results) == ["already-loaded", "loaded", "rejected"]
    assert sorted(p.name for p in (folder / "done").iterdir()) == [
        "pubmed1.xml",
        "same-as-pubmed1.xml",
        "same-as-pubmed1.xml.reason",
    ]
    assert sorted(p.name for p in (folder / "failed").iterdir()) == [
        "notes.csv",
        "notes.csv.reason",
    ]
    reason = (folder / "failed" / "notes.csv.reason").read_text()
    assert "not PubMed XML" in reason
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from articles").fetchone()[0] == 2
    con.close()
    assert inbox(settings) == []


def test_files_still_being_written_wait(tmp_path: Path) -> None:
    settled, fresh = tmp_path / "a.xml", tmp_path / "b.xml"
    for path in (settled, fresh, tmp_path / ".hidden.xml", tmp_path / "c.xml.part"):
        path.write_bytes(PUBMED1.read_bytes())
    old = time.time() - 60
    os.utime(settled, (old, old))
    (tmp_path / "done").mkdir()
    assert new_inbox_files(tmp_path, settle_seconds=30) == [settled]
    assert new_inbox_files(tmp_path / "missing", settle_seconds=0) == []
