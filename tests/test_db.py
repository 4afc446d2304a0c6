"""Opening the warehouse: settings that reach DuckDB; the schema's DDL only when needed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from warehouse.db import connect
from warehouse.errors import ConfigError, WarehouseError
from warehouse.loading import memory
from warehouse.loading.memory import memory_limit_mib, restored_memory_limit, within_memory
from warehouse.schema import create_schema, declared_objects, schema_digest, table_schemas
from warehouse.transaction import transaction


def test_memory_limit_is_applied(db_path: Path) -> None:
    con = connect(db_path, memory_limit="256MB")
    limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    con.close()
    assert limit == "244.1 MiB"  # 256 MB


def test_unusable_memory_limit_is_a_config_error(db_path: Path) -> None:
    with pytest.raises(ConfigError, match="memory limit"):
        connect(db_path, memory_limit="lots")


def test_a_limit_refused_after_a_commit_is_restored_after_a_checkpoint(tmp_path: Path) -> None:
    """DuckDB holds the blocks a committed delete pinned until a checkpoint (a small WAL does
    not trigger one) and refuses a limit below them: the restore checkpoints and sets it."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"), config={"memory_limit": "60MB"})
    con.execute("create table t as select range as a from range(12000000)")
    con.execute("checkpoint")
    limit = memory_limit_mib(con)
    with restored_memory_limit(con):
        con.execute("set memory_limit = '1GB'")
        con.begin()
        con.execute("delete from t where a % 2048 = 0")  # one row in every vector
        con.commit()
        with pytest.raises(duckdb.OutOfMemoryException):
            con.execute("set memory_limit = '60MB'")  # what the restore meets
    assert memory_limit_mib(con) == pytest.approx(limit, abs=0.2)  # as DuckDB rounds it
    con.close()


SPREAD_ROWS, EVERY = 1_000_000, 50


def _delete_spread(con: duckdb.DuckDBPyConnection, limits: list[float]) -> int:
    """One transaction deleting a row in every 50 of `spread` (a row in each of its vectors)."""
    limits.append(memory_limit_mib(con))
    with transaction(con):
        return con.execute(f"delete from spread where n % {EVERY} = 0").fetchone()[0]


def test_a_delete_that_ran_out_of_memory_is_retried_on_the_warehouse_read_again(
    tmp_path: Path,
) -> None:
    """DuckDB leaves the rows of a delete that ran out of memory marked by the failed
    transaction, so that deleting them again fails ("Conflict on tuple deletion") until the
    database is read from disk again: the retry reattaches the warehouse first."""
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))  # opened on the file itself: it cannot be reattached
    con.execute(f"create table spread as select range as n from range({SPREAD_ROWS})")
    con.execute("checkpoint")
    con.execute("set memory_limit = '4MB'")
    limits: list[float] = []
    with pytest.raises(duckdb.TransactionException, match="Conflict on tuple deletion"):
        within_memory(con, lambda: _delete_spread(con, limits), "the spread delete")
    assert len(limits) == 2  # it ran out of memory once: the scene this test is about
    con.close()

    con = connect(path, memory_limit="4MB")
    limit = memory_limit_mib(con)
    limits = []
    deleted = within_memory(con, lambda: _delete_spread(con, limits), "the spread delete")
    assert deleted == SPREAD_ROWS // EVERY
    assert len(limits) >= 2 and limits[1] == pytest.approx(2 * limits[0], abs=0.5)
    assert con.execute("select count(*) from spread").fetchone()[0] == SPREAD_ROWS - deleted
    assert memory_limit_mib(con) == pytest.approx(limit, abs=0.2)  # restored, as DuckDB rounds
    con.close()


def _objects(con: duckdb.DuckDBPyConnection) -> set[str]:
    tables = con.execute("select table_name from duckdb_tables()").fetchall()
    views = con.execute("select view_name from duckdb_views() where not internal").fetchall()
    return {row[0] for row in tables + views}


@given(rows=st.integers(0, 10**10), budget=st.sampled_from([-1.0, 0.0, 1.0, 32.0, 500.0]))
def test_most_changed_in_place_is_the_largest_change_a_rewrite_does_not_pay_for(
    rows: int, budget: float
) -> None:
    original = memory.REWRITE_ABOVE_MIB
    memory.REWRITE_ABOVE_MIB = budget
    try:
        most = memory.most_changed_in_place(rows)
        if most is None:
            assert not memory.rewrite_pays(rows * 2 + 1, rows)
        else:
            assert most == -1 or not memory.rewrite_pays(most, rows)
            assert memory.rewrite_pays(most + 1, rows)
    finally:
        memory.REWRITE_ABOVE_MIB = original


def test_every_schema_file_declares_the_object_it_is_named_after() -> None:
    """The check that skips the DDL looks for each object by its file's name."""
    con = duckdb.connect(":memory:")
    create_schema(con)
    assert _objects(con) - {"schema_version"} == declared_objects()
    assert con.execute("select * from schema_version").fetchall() == [(schema_digest(),)]


def test_a_warehouse_with_this_schema_runs_no_ddl_when_opened_again(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect(db_path).close()
    digest = schema_digest()
    table_schemas()  # the in-memory schema is built once per process, from the same files
    monkeypatch.setattr("warehouse.schema._schema_texts", lambda: ("this is not SQL;",))
    monkeypatch.setattr("warehouse.schema.schema_digest", lambda: digest)
    connect(db_path).close()  # the DDL, now unrunnable, did not run
    con = duckdb.connect(str(db_path))
    con.execute("drop view term_by_year")
    con.close()
    with pytest.raises(WarehouseError):  # a view missing: it runs, and fails
        connect(db_path)


def test_a_missing_view_or_another_versions_schema_runs_the_ddl_again(db_path: Path) -> None:
    con = connect(db_path)
    con.execute("drop view term_by_year")
    con.close()
    con = connect(db_path)
    assert "term_by_year" in _objects(con)  # restored
    con.execute("create or replace view article_summary as select 1 as pmid")
    con.execute("create or replace view schema_version as select 'another' as sql_digest")
    con.close()
    con = connect(db_path)
    assert con.execute("select * from schema_version").fetchall() == [(schema_digest(),)]
    columns = [d[0] for d in con.execute("select * from article_summary limit 0").description]
    con.close()
    assert "pmid" in columns and len(columns) > 1  # the view as the files declare it
