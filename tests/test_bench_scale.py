"""The bench's scale input: generated files parse cleanly and vary like PubMed; staged copies
apply as new files, as replacements and as deletions."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bench.daily import corpus_shape
from bench.growth_copies import PmidMap, first_pmid, write_copy, write_deletions
from bench.scale_data import orcid, write_scale_file
from warehouse.db import connect
from warehouse.loading.load import apply_staged
from warehouse.loading.staging import stage_file

RECORDS = 400


@pytest.fixture(scope="module")
def scale_xml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "pubmed26n0001.xml.gz"
    write_scale_file(path, 1, RECORDS)
    return path


@pytest.fixture(scope="module")
def staged_scale(scale_xml: Path, tmp_path_factory: pytest.TempPathFactory):
    return stage_file(scale_xml, tmp_path_factory.mktemp("staged") / "base")


def test_same_number_same_bytes(scale_xml: Path, tmp_path: Path) -> None:
    again = tmp_path / scale_xml.name
    write_scale_file(again, 1, RECORDS)
    assert again.read_bytes() == scale_xml.read_bytes()


def test_every_record_parses(staged_scale) -> None:
    assert staged_scale.status == "staged"
    assert (staged_scale.records, staged_scale.rejected) == (RECORDS, 0)
    articles = pl.read_parquet(staged_scale.table_path("articles"))
    assert articles["pmid"].n_unique() == RECORDS
    assert articles["title"].n_unique() == RECORDS
    assert articles["pub_year"].min() >= 1946
    assert articles["pub_year"].max() <= 2025
    assert articles["pub_year"].n_unique() > 30


def test_names_vary_and_keep_one_ui_each(staged_scale) -> None:
    terms = pl.read_parquet(staged_scale.table_path("terms"))
    assert terms["descriptor_name"].n_unique() > 500
    per_name = terms.group_by("descriptor_name").agg(pl.col("descriptor_ui").n_unique())
    assert per_name["descriptor_ui"].max() == 1
    authors = pl.read_parquet(staged_scale.table_path("authors"))
    names = authors.select(pl.struct("last_name", "fore_name").n_unique()).item()
    assert names > 0.8 * authors.height
    assert 0.1 < authors["orcid"].is_not_null().mean() < 0.3


def test_orcid_check_digit() -> None:
    # ORCID's own documented example: 0000-0002-1825-0097
    assert orcid(21825009) == "0000-0002-1825-0097"


def test_copies_apply_as_new_replaced_and_deleted_records(staged_scale, tmp_path: Path) -> None:
    low, count = first_pmid(staged_scale)
    con = connect(tmp_path / "w.duckdb")
    try:
        copy = write_copy(
            [staged_scale] * 2,
            [PmidMap(low, 1, 1), PmidMap(low, 1, 1 + count)],
            tmp_path / "copy",
            1,
            rehash=False,
        )
        assert apply_staged(con, copy).inserted == 2 * count
        pubmed_ids = (
            "select count(*) from article_ids where id_type = 'pubmed' and id_value::bigint <> pmid"
        )
        assert con.execute(pubmed_ids).fetchone()[0] == 0
        update = write_copy(
            [staged_scale], [PmidMap(low, 2, 1)], tmp_path / "update", 2, rehash=True
        )
        assert apply_staged(con, update).replaced == count
        gone = write_deletions(pl.Series([1, 3, 5]), tmp_path / "delete", 3)
        assert apply_staged(con, gone).deleted == 3
        assert con.execute("select count(*) from articles").fetchone()[0] == 2 * count - 3
    finally:
        con.close()


def test_daily_copy_mixes_new_revised_and_deleted_records(staged_scale, tmp_path: Path) -> None:
    low, count = first_pmid(staged_scale)
    con = connect(tmp_path / "w.duckdb")
    try:
        base = write_copy([staged_scale], [PmidMap(low, 1, 1)], tmp_path / "base", 1, rehash=False)
        apply_staged(con, base)
        maps = [PmidMap(low, 1, 1 + count, 0, 50), PmidMap(low, 2, 2, 100, 60)]
        daily = write_copy(
            [staged_scale] * 2,
            maps,
            tmp_path / "daily",
            2,
            rehash=True,
            deleted=pl.Series([1, 3, 5]),
        )
        assert daily.records == 110
        result = apply_staged(con, daily)
        assert (result.inserted, result.replaced, result.deleted) == (50, 60, 3)
    finally:
        con.close()


def test_corpus_update_shape() -> None:
    shape = corpus_shape()
    assert (shape.records, shape.deletions) == (604, 1)
    assert 0 < shape.revisions < shape.records
    new, revisions, deletions = shape.scaled(15_000)
    assert new + revisions == 15_000
    assert deletions >= 1
