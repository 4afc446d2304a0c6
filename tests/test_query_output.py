"""`query` reads SQL from standard input and writes JSON that parses, on real CLI processes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import CLI, CORPUS

TWO_STATEMENTS = "select 1 as one; select pmid from articles order by pmid limit 2"


def _cli(*arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PUBMED_"))}
    return subprocess.run(
        [CLI, *arguments], env=environment, input=stdin, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("query") / "w.duckdb"
    loaded = _cli("load", "--db", str(db), str(CORPUS / "xml" / "biopython" / "pubmed1.xml"))
    assert loaded.returncode == 0, loaded.stderr
    return db


def test_sql_from_standard_input(warehouse_file: Path) -> None:
    done = _cli(
        "query", "--db", str(warehouse_file), "--file", "-", "--format", "csv", stdin=TWO_STATEMENTS
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("one\n1\n\npmid\n")


def test_json_of_several_statements_is_one_document(warehouse_file: Path) -> None:
    done = _cli("query", "--db", str(warehouse_file), "--format", "json", TWO_STATEMENTS)
    assert done.returncode == 0, done.stderr
    first, second = json.loads(done.stdout)
    assert first == [{"one": 1}] and len(second) == 2
    one = _cli("query", "--db", str(warehouse_file), "--format", "json", "select 1 as one")
    assert json.loads(one.stdout) == [{"one": 1}]  # one statement: its rows array, as before


def test_json_lines_hold_one_row_each(warehouse_file: Path) -> None:
    done = _cli("query", "--db", str(warehouse_file), "--format", "jsonl", TWO_STATEMENTS)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows[0] == {"one": 1} and [set(r) for r in rows[1:]] == [{"pmid"}, {"pmid"}]


def test_parquet_takes_one_result_and_says_so_before_running(
    warehouse_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rows.parquet"
    several = _cli(
        "query", "--db", str(warehouse_file), "--format", "parquet", "-o", str(out), TWO_STATEMENTS
    )
    assert several.returncode == 2
    assert "holds one result, and this SQL gives 2" in several.stderr
    assert "Traceback" not in several.stderr and not out.exists()
    quiet_then_one = "set threads = 1; select pmid from articles order by pmid"
    one = _cli(
        "query", "--db", str(warehouse_file), "--format", "parquet", "-o", str(out), quiet_then_one
    )
    assert one.returncode == 0, one.stderr
    assert pq.read_table(out).column("pmid").to_pylist() == [9997, 12091962]
