"""Parquet export: every table and view, articles partitioned by year, read back with polars."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from warehouse.errors import DestinationInUse
from warehouse.readers import export
from warehouse.readers.export import export_parquet


def from_duckdb(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    return pl.from_arrow(con.sql(f'select * from "{name}"').to_arrow_table())


def from_parquet(directory: Path, name: str) -> pl.DataFrame:
    """A relation read back with polars; `articles` through its hive partitions."""
    if name == "articles":
        frame = pl.read_parquet(directory / "articles" / "**" / "*.parquet", hive_partitioning=True)
        return frame.with_columns(pl.col("pub_year").cast(pl.Int32))
    return pl.read_parquet(directory / f"{name}.parquet")


@pytest.fixture(scope="module")
def lake(xml_corpus_db, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("lake") / "lake"
    export_parquet(xml_corpus_db, directory)
    return directory


def test_every_table_and_view_reads_back_equal(xml_corpus_db, lake: Path) -> None:
    names = [
        r[0]
        for r in xml_corpus_db.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall()
    ]
    assert {"articles", "terms", "article_summary", "term_cooccurrence"} <= set(names)
    for name in names:
        expected = from_duckdb(xml_corpus_db, name)
        got = from_parquet(lake, name).select(expected.columns)
        assert got.height == expected.height, name
        key = [c for c, t in expected.schema.items() if not isinstance(t, pl.List)]
        assert_frame_equal(got.sort(key, nulls_last=True), expected.sort(key, nulls_last=True))


def test_articles_are_partitioned_by_year(xml_corpus_db, lake: Path) -> None:
    partitions = {p.name for p in (lake / "articles").iterdir()}
    years = xml_corpus_db.execute("select distinct pub_year from articles").fetchall()
    assert partitions == {f"pub_year={y}" for (y,) in years}
    in_2015 = pl.read_parquet(lake / "articles" / "pub_year=2015" / "*.parquet")
    assert in_2015.height == 496
    assert not (lake / "articles.parquet").exists()


def test_undated_articles_go_to_a_null_partition(fresh_db, tmp_path: Path) -> None:
    fresh_db.execute("insert into articles (pmid, pub_year) values (1, 2020), (2, null)")
    export_parquet(fresh_db, tmp_path / "lake")
    frame = from_parquet(tmp_path / "lake", "articles").sort("pmid")
    assert frame.select("pmid", "pub_year").rows() == [(1, 2020), (2, None)]


def test_reexport_swaps_whole_and_a_failed_one_keeps_the_old(
    fresh_db, tmp_path: Path, monkeypatch
) -> None:
    directory = tmp_path / "lake"
    export_parquet(fresh_db, directory)
    (directory / "terms.parquet").write_bytes(b"from an older export")
    fresh_db.execute("insert into articles (pmid, pub_year) values (1, 2020)")
    export_parquet(fresh_db, directory)
    assert (directory / "terms.parquet").read_bytes()[:4] == b"PAR1"
    assert from_parquet(directory, "articles").height == 1
    assert not list(tmp_path.glob(".lake*"))

    def fail_on_terms(con, name: str, folder: Path) -> None:
        if name == "terms":
            raise duckdb.IOException("disk full")
        original(con, name, folder)

    original = export.write_relation
    monkeypatch.setattr(export, "write_relation", fail_on_terms)
    fresh_db.execute("insert into articles (pmid, pub_year) values (2, 2021)")
    with pytest.raises(duckdb.IOException):
        export_parquet(fresh_db, directory)
    assert from_parquet(directory, "articles").height == 1
    assert not list(tmp_path.glob(".lake*"))


def test_a_folder_of_other_files_is_refused_and_kept(fresh_db, tmp_path: Path) -> None:
    folder = tmp_path / "mydocs"
    folder.mkdir()
    (folder / "notes.txt").write_text("notes")
    with pytest.raises(DestinationInUse, match=r"notes\.txt.*--overwrite"):
        export_parquet(fresh_db, folder)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    export_parquet(fresh_db, folder, overwrite=True)
    assert (folder / "notes.txt").read_text() == "notes"
    assert (folder / "articles").is_dir()
