"""The analyst views: documented, keyed as their grain says, and reflected by a BI client."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import create_engine, inspect, text

from tests import xml_facts as facts
from warehouse.readers.snapshot import publish_snapshot
from warehouse.schema import view_files

VIEWS = {
    "article_descriptors",
    "article_summary",
    "term_by_year",
    "term_cooccurrence",
    "substance_by_term",
    "author_summary",
}


def catalog_comments(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str | None]]:
    """Column comments of every user table and view, by relation and column."""
    rows = con.execute(
        "select table_name, column_name, comment from duckdb_columns() "
        "where schema_name = 'main' and not internal and database_name = current_database() "
        "order by table_name, column_index"
    ).fetchall()
    comments: dict[str, dict[str, str | None]] = {}
    for relation, column, comment in rows:
        comments.setdefault(relation, {})[column] = comment
    return comments


def test_every_view_file_creates_its_view(xml_corpus_db: duckdb.DuckDBPyConnection) -> None:
    names = {r[0] for r in xml_corpus_db.execute("select view_name from duckdb_views()").fetchall()}
    assert {path.stem for path in view_files()} <= names
    assert names >= VIEWS


def test_views_and_their_columns_are_commented(xml_corpus_db: duckdb.DuckDBPyConnection) -> None:
    view_comments = dict(
        xml_corpus_db.execute(
            "select view_name, comment from duckdb_views() where not internal"
        ).fetchall()
    )
    columns = catalog_comments(xml_corpus_db)
    for view in VIEWS:
        assert "One row per" in view_comments[view] and "grain" in view_comments[view], view
        missing = [c for c, comment in columns[view].items() if not comment]
        assert not missing, f"{view} columns without COMMENT ON: {missing}"


def test_grains_are_keys(xml_corpus_db: duckdb.DuckDBPyConnection) -> None:
    keys = {
        "article_descriptors": "pmid, descriptor_name",
        "article_summary": "pmid",
        "term_by_year": "descriptor_name, pub_year",
        "term_cooccurrence": "descriptor_name, co_descriptor_name",
        "substance_by_term": "descriptor_name, substance_name, pub_year",
        "author_summary": "author_key, is_orcid",
    }
    for view, key in keys.items():
        rows, distinct = xml_corpus_db.execute(
            f"select count(*), count(distinct ({key})) from {view}"
        ).fetchone()
        assert rows == distinct > 0, view
    articles = xml_corpus_db.execute("select count(*) from articles").fetchone()[0]
    assert xml_corpus_db.execute("select count(*) from article_summary").fetchone()[0] == articles


def test_term_views_match_the_xml(xml_corpus_db: duckdb.DuckDBPyConnection) -> None:
    citations = facts.citations().values()
    by_year = Counter(facts.pub_year(c) for c in citations if "Mice" in facts.descriptors(c))
    got = xml_corpus_db.execute(
        "select pub_year, article_count from term_by_year where descriptor_name = 'Mice'"
    ).fetchall()
    assert dict(got) == dict(by_year)
    with_mice = Counter(
        other for c in citations if "Mice" in (d := facts.descriptors(c)) for other in d
    )
    del with_mice["Mice"]
    got = xml_corpus_db.execute(
        "select co_descriptor_name, article_count from term_cooccurrence "
        "where descriptor_name = 'Mice'"
    ).fetchall()
    assert dict(got) == dict(with_mice)
    symmetric = xml_corpus_db.execute(
        "select count(*) from term_cooccurrence a left join term_cooccurrence b "
        "on a.descriptor_name = b.co_descriptor_name and a.co_descriptor_name = b.descriptor_name "
        "where b.article_count is distinct from a.article_count"
    ).fetchone()[0]
    assert symmetric == 0


def test_author_summary_keys_by_orcid_else_name(xml_corpus_db: duckdb.DuckDBPyConnection) -> None:
    orcids = Counter(o for c in facts.citations().values() for _, o in facts.authors(c) if o)
    got = xml_corpus_db.execute(
        "select author_key, article_count from author_summary where is_orcid"
    ).fetchall()
    assert dict(got) == dict(orcids)
    by_name = dict(
        xml_corpus_db.execute(
            "select author_key, article_count from author_summary "
            "where author_key in ('Hsiung BK', 'Blackledge TA')"
        ).fetchall()
    )
    assert by_name == {"Blackledge TA": 1}  # Hsiung BK carries an ORCID, which is the key


@pytest.fixture(scope="module")
def snapshot(xml_corpus_db, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish_snapshot(xml_corpus_db, tmp_path_factory.mktemp("bi") / "bi.duckdb")


def test_sqlalchemy_reflects_tables_and_views_with_comments(
    snapshot: Path, xml_corpus_db: duckdb.DuckDBPyConnection
) -> None:
    engine = create_engine(f"duckdb:///{snapshot}", connect_args={"read_only": True})
    try:
        inspector = inspect(engine)
        tables, views = set(inspector.get_table_names()), set(inspector.get_view_names())
        expected = catalog_comments(xml_corpus_db)
        assert views >= VIEWS
        assert tables >= {"articles", "terms", "substances", "references", "authors"}
        assert tables | views == set(expected)
        for relation in tables | views:
            table_comment = inspector.get_table_comment(relation)["text"]
            assert table_comment and "One row per" in table_comment, relation
            reflected = {c["name"]: c["comment"] for c in inspector.get_columns(relation)}
            assert reflected == expected[relation], relation
            assert all(reflected.values()), relation
        with engine.connect() as connection:
            n = connection.execute(text("select count(*) from article_summary")).scalar_one()
        assert n == xml_corpus_db.execute("select count(*) from articles").fetchone()[0]
    finally:
        engine.dispose()
