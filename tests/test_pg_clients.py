"""Real PostgreSQL clients against `serve-sql`: psql's meta-commands, SQLAlchemy's Inspector
(what Superset reads on adding a dataset) and pgjdbc's DatabaseMetaData (DBeaver, Metabase)."""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import Inspector, create_engine, inspect
from sqlalchemy.types import NullType

from tests.conftest import SQL_PASSWORD, TEST_DATA, SqlEndpoint, running_serve_sql

PSQL = shutil.which("psql")


@pytest.fixture(scope="module")
def warehouse(served_warehouse: tuple[Path, Path]) -> tuple[Path, Path]:
    """(warehouse file, readers' copy) of one corpus file."""
    return served_warehouse


@pytest.fixture(scope="module")
def served(warehouse: tuple[Path, Path]) -> Iterator[SqlEndpoint]:
    with running_serve_sql(*warehouse) as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def copy_con(warehouse: tuple[Path, Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    """The readers' copy opened directly, to compare against."""
    con = duckdb.connect(str(warehouse[1]), read_only=True)
    yield con
    con.close()


def psql(endpoint: SqlEndpoint, command: str, cwd: Path | None = None) -> str:
    """What psql prints for COMMAND (a meta-command or SQL), failing on any error."""
    if PSQL is None:
        pytest.skip("psql is not installed (Debian package postgresql-client)")
    done = subprocess.run(
        [PSQL, endpoint.dsn(), "-X", "-v", "ON_ERROR_STOP=1", "-c", command],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PGCONNECT_TIMEOUT": "30"},
    )
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout


def rows(output: str) -> list[list[str]]:
    """The rows of psql's aligned output, cells stripped (header and footer left out)."""
    lines = output.splitlines()
    rule = lines.index(next(line for line in lines if line.startswith("-")))
    columns = "|" in lines[rule - 1]
    rows = []
    for line in lines[rule + 1 :]:
        if line.startswith("(") or not line or (columns and "|" not in line):
            break
        rows.append([cell.strip() for cell in line.split("|")])
    return rows


def test_psql_lists_databases_and_schemas(served: SqlEndpoint) -> None:
    assert [r[:3] for r in rows(psql(served, r"\l"))] == [["pubmed", "pubmed-warehouse", "UTF8"]]
    assert rows(psql(served, r"\dn")) == [["main", "pubmed-warehouse"]]


def test_psql_lists_tables_and_views(served: SqlEndpoint, copy_con) -> None:
    tables = {r[1] for r in rows(psql(served, r"\dt")) if r[2] == "table"}
    views = {r[1] for r in rows(psql(served, r"\dv")) if r[2] == "view"}
    assert tables == {
        r[0] for r in copy_con.execute("select table_name from duckdb_tables()").fetchall()
    }
    assert views == {
        r[0]
        for r in copy_con.execute(
            "select view_name from duckdb_views() where not internal"
        ).fetchall()
    }
    described = rows(psql(served, r"\dt+ articles"))
    assert described[0][1] == "articles" and described[0][-1].startswith("One row per article")


def test_psql_describes_a_table_with_types_and_comments(served: SqlEndpoint, copy_con) -> None:
    plain = psql(served, r"\d articles")
    assert 'Table "main.articles"' in plain
    assert '"articles_pmid_pkey" PRIMARY KEY, btree (pmid)' in plain
    described = {r[0]: r for r in rows(psql(served, r"\d+ articles"))}
    expected = copy_con.execute(
        "select column_name, comment from duckdb_columns() where table_name = 'articles'"
    ).fetchall()
    assert list(described) == [name for name, _ in expected]
    assert [described[name][-1] for name, _ in expected] == [comment for _, comment in expected]
    assert described["pmid"][1:4] == ["bigint", "", "not null"]
    assert described["title"][1] == "text" and described["languages"][1] == "text[]"
    assert described["pub_date"][1] == "date"


def test_psql_describes_a_view(served: SqlEndpoint) -> None:
    output = psql(served, r"\d+ term_by_year")
    assert 'View "main.term_by_year"' in output
    assert [r[0] for r in rows(output)] == [
        "descriptor_name",
        "descriptor_ui",
        "pub_year",
        "article_count",
        "major_article_count",
    ]
    assert all(r[-1] for r in rows(output))


def test_psql_lists_functions(served: SqlEndpoint) -> None:
    assert "List of functions" in psql(served, r"\df")


def test_psql_copies_a_query_to_a_local_file(served: SqlEndpoint, copy_con, tmp_path: Path) -> None:
    query = "select pmid, title from articles order by pmid limit 5"
    output = psql(served, rf"\copy ({query}) to 'articles.csv' csv header", cwd=tmp_path)
    assert output.strip() == "COPY 5"
    lines = (tmp_path / "articles.csv").read_text().splitlines()
    assert lines[0] == "pmid,title"
    assert [line.split(",", 1)[0] for line in lines[1:]] == [
        str(pmid) for pmid, _ in copy_con.execute(query).fetchall()
    ]


def test_psql_copy_of_a_write_is_refused(served: SqlEndpoint, tmp_path: Path) -> None:
    if PSQL is None:
        pytest.skip("psql is not installed (Debian package postgresql-client)")
    done = subprocess.run(
        [PSQL, served.dsn(), "-X", "-c", r"\copy (delete from articles) to 'gone.txt'"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode != 0 and "read-only" in done.stderr


def test_psql_runs_a_query(served: SqlEndpoint, copy_con) -> None:
    output = psql(served, "select count(*) from articles")
    assert rows(output) == [[str(copy_con.execute("select count(*) from articles").fetchone()[0])]]
    assert output.splitlines()[0].strip() == "count"


@pytest.fixture(scope="module")
def inspector(served: SqlEndpoint) -> Iterator[Inspector]:
    engine = create_engine(
        f"postgresql+psycopg://pubmed:{SQL_PASSWORD}@127.0.0.1:{served.port}/pubmed"
    )
    yield inspect(engine)
    engine.dispose()


def test_sqlalchemy_inspector_lists_schemas_tables_and_views(
    inspector: Inspector, copy_con
) -> None:
    assert inspector.get_schema_names() == ["main"]
    tables = copy_con.execute("select table_name from duckdb_tables() order by 1").fetchall()
    views = copy_con.execute(
        "select view_name from duckdb_views() where not internal order by 1"
    ).fetchall()
    assert sorted(inspector.get_table_names()) == [name for (name,) in tables]
    assert sorted(inspector.get_view_names()) == [name for (name,) in views]


def test_sqlalchemy_inspector_reads_every_column_with_its_type_and_comment(
    inspector: Inspector, copy_con
) -> None:
    expected = copy_con.execute(
        "select table_name, column_name, comment, is_nullable from duckdb_columns() "
        "where not internal order by table_name, column_index"
    ).fetchall()
    names = sorted(inspector.get_table_names() + inspector.get_view_names())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "did not recognize type" fails the test
        got = [
            (name, c["name"], c["comment"], c["nullable"], c["type"])
            for name in names
            for c in inspector.get_columns(name)
        ]
    assert [row[:4] for row in got] == [tuple(row) for row in expected]
    assert not [row for row in got if isinstance(row[4], NullType)]
    types = {(t, c): type_ for t, c, _, _, type_ in got}
    assert str(types[("articles", "pmid")]) == "BIGINT"
    assert str(types[("articles", "pub_date")]) == "DATE"
    assert str(types[("articles", "languages")].item_type) == "TEXT"


def test_sqlalchemy_inspector_reads_comments_keys_and_indexes(inspector: Inspector) -> None:
    for name in inspector.get_table_names() + inspector.get_view_names():
        assert inspector.get_table_comment(name)["text"].startswith("One row per"), name
    assert inspector.get_pk_constraint("articles")["constrained_columns"] == ["pmid"]
    assert inspector.get_pk_constraint("term_by_year")["constrained_columns"] == []
    assert inspector.get_indexes("articles") == []
    assert inspector.get_foreign_keys("keywords") == []
    assert inspector.get_unique_constraints("articles") == []
    assert "term_by_year" in inspector.get_view_definition("term_by_year")


PGJDBC = Path("/usr/share/java/postgresql.jar")
"""pgjdbc as Debian's libpostgresql-jdbc-java installs it."""


def test_pgjdbc_lists_tables_and_columns(served: SqlEndpoint, copy_con) -> None:
    java = shutil.which("java")
    if java is None or not PGJDBC.exists():
        pytest.skip("java or pgjdbc missing (Debian default-jre-headless, libpostgresql-jdbc-java)")
    done = subprocess.run(
        [
            java,
            "-cp",
            str(PGJDBC),
            str(TEST_DATA / "jdbc" / "ListTables.java"),
            f"jdbc:postgresql://127.0.0.1:{served.port}/pubmed",
            "pubmed",
            SQL_PASSWORD,
            "articles",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = [line.split("\t") for line in done.stdout.splitlines()]
    assert ["schema", "main"] in lines and lines[0][1].startswith("PostgreSQL 16")
    listed = {line[1]: line[2:] for line in lines if line[0] == "table"}
    relations = copy_con.execute(
        "select table_name, 'TABLE', comment from duckdb_tables() union all "
        "select view_name, 'VIEW', comment from duckdb_views() where not internal"
    ).fetchall()
    assert listed == {name: [kind, comment] for name, kind, comment in relations}
    columns = [line[2:] for line in lines if line[0] == "column"]
    expected = copy_con.execute(
        "select column_name, comment from duckdb_columns() where table_name = 'articles' "
        "order by column_index"
    ).fetchall()
    assert [(c[0], c[4]) for c in columns] == expected
    assert columns[0][:4] == ["pmid", "int8", "-5", "NO"]  # java.sql.Types.BIGINT
    assert [line[1:] for line in lines if line[0] == "key"] == [["articles", "pmid", "1"]]
    assert [
        "count",
        "count",
        str(len(copy_con.execute("select pmid from articles").fetchall())),
    ] in lines
