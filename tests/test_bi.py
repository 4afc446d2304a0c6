"""What Superset and Metabase do on connecting, through the `bi` group's SQLAlchemy + duckdb-engine.

They list schemas, then tables and views with their columns and comments, preview rows of a
relation and run aggregates; all of it against the readers' copy, opened read-only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import Engine, column, create_engine, func, inspect, select, table, text

from warehouse.readers.snapshot import publish_snapshot


@pytest.fixture(scope="module")
def readers_copy(xml_corpus_db, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish_snapshot(xml_corpus_db, tmp_path_factory.mktemp("bi") / "pubmed.snapshot.duckdb")


@pytest.fixture(scope="module")
def engine(readers_copy: Path) -> Iterator[Engine]:
    engine = create_engine(f"duckdb:///{readers_copy}", connect_args={"read_only": True})
    yield engine
    engine.dispose()


def relations(con: duckdb.DuckDBPyConnection, kind: str) -> set[str]:
    catalog = "duckdb_tables()" if kind == "table" else "duckdb_views() where not internal"
    name = "table_name" if kind == "table" else "view_name"
    rows = con.execute(f"select {name} from {catalog}").fetchall()
    return {r[0] for r in rows}


def test_schemas_tables_and_views_are_listed(engine: Engine, xml_corpus_db) -> None:
    inspector = inspect(engine)
    assert "pubmed.main" in inspector.get_schema_names()  # catalog: the file name to its first dot
    assert set(inspector.get_table_names(schema="main")) == relations(xml_corpus_db, "table")
    assert set(inspector.get_view_names(schema="main")) == relations(xml_corpus_db, "view")


def test_every_column_of_every_relation_is_listed_with_its_comment(
    engine: Engine, xml_corpus_db
) -> None:
    inspector = inspect(engine)
    for name in relations(xml_corpus_db, "table") | relations(xml_corpus_db, "view"):
        assert "One row per" in inspector.get_table_comment(name, schema="main")["text"], name
        columns = inspector.get_columns(name, schema="main")
        expected = xml_corpus_db.execute(
            "select column_name, comment from duckdb_columns() "
            "where table_name = ? order by column_index",
            [name],
        ).fetchall()
        assert [(c["name"], c["comment"]) for c in columns] == expected, name
        assert all(c["comment"] for c in columns), name


def test_preview_rows_of_a_view(engine: Engine, xml_corpus_db) -> None:
    names = [c["name"] for c in inspect(engine).get_columns("article_summary", schema="main")]
    preview = (
        select(*map(column, names))
        .select_from(table("article_summary", schema="main"))
        .order_by(column("pmid"))
        .limit(5)
    )
    with engine.connect() as connection:
        rows = connection.execute(preview).fetchall()
    expected = xml_corpus_db.execute(
        "select pmid, title from article_summary order by pmid limit 5"
    ).fetchall()
    assert [(r.pmid, r.title) for r in rows] == expected


def test_an_aggregate_over_a_view(engine: Engine, xml_corpus_db) -> None:
    year, articles = column("pub_year"), func.sum(column("article_count"))
    query = (
        select(year, articles.label("articles"))
        .select_from(table("term_by_year", schema="main"))
        .where(column("descriptor_name") == "Humans")
        .group_by(year)
        .order_by(year)
    )
    with engine.connect() as connection:
        rows = [tuple(r) for r in connection.execute(query).fetchall()]
    expected = xml_corpus_db.execute(
        "select pub_year, sum(article_count) from term_by_year "
        "where descriptor_name = 'Humans' group by 1 order by 1"
    ).fetchall()
    assert rows == expected and len(rows) > 1


def test_the_copy_refuses_writes(engine: Engine) -> None:
    with engine.connect() as connection, pytest.raises(Exception, match="read-only"):
        connection.execute(text("delete from articles"))
