"""A long load's progress line: files done of total, the current file, records per second, ETA."""

from __future__ import annotations

import io
import shutil
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from tests.conftest import CORPUS
from warehouse.config import Settings
from warehouse.runs.ingest import PLAIN_STEPS, ingest_files
from warehouse.runs.progress import load_progress


def test_the_line_counts_files_records_and_bytes_of_a_real_load(tmp_path: Path) -> None:
    files = [tmp_path / "pubmed1.xml", tmp_path / "pubmed2.xml"]
    for name in files:
        shutil.copy(CORPUS / "xml" / "biopython" / name.name, name)
    console = Console(file=io.StringIO(), force_terminal=True, width=200)
    settings = Settings(db=tmp_path / "w.duckdb")
    seen: list[dict] = []
    with load_progress(console, files) as progress:
        counting = progress.counting(PLAIN_STEPS.load_one)

        def load_one(con, path, *args):
            result = counting(con, path, *args)
            seen.append(dict(progress.progress.tasks[0].fields))
            return result

        steps = replace(PLAIN_STEPS, load_one=load_one)
        results = ingest_files([str(f) for f in files], settings, progress.on_records, steps=steps)
        task = progress.progress.tasks[0]
        assert task.completed == task.total == sum(f.stat().st_size for f in files)
    assert [s["files"] for s in seen] == ["1/2 files", "2/2 files"]
    records = sum(r.records for r in results)
    assert records > 0 and seen[-1]["records"] == f"{records:,} records"
    assert seen[-1]["rate"].endswith(" records/s")
