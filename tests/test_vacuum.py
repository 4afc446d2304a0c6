"""Compaction of deleted rows (`warehouse.loading.vacuum`): deferred while DuckDB could not reclaim
them, done by the checkpoint of the load or publish that finds a table due."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import CORPUS
from tests.test_aggregates import UPDATE_SOURCE, update_file
from warehouse.db import connect
from warehouse.loading import vacuum
from warehouse.loading.load import load_file
from warehouse.readers.snapshot import publish_readers_copy, publish_snapshot

ROWS = 2_000_000  # about 16 row groups


def vacuum_tasks(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("select current_setting('max_vacuum_tasks')").fetchone()[0])


def spread_table(con: duckdb.DuckDBPyConnection, deleted_percent: int) -> list[tuple]:
    """A table of ROWS rows with DELETED_PERCENT of them deleted evenly, checkpointed with
    vacuuming deferred; returns the live rows."""
    con.execute(
        "create table spread as select range as id, md5(range::varchar) as text from range(?)",
        [ROWS],
    )
    con.execute("checkpoint")
    vacuum.defer(con)
    con.execute("delete from spread where hash(id) % 100 < ?", [deleted_percent])
    con.execute("checkpoint")
    return con.execute("select * from spread order by id").fetchall()


def test_deferred_deletes_are_counted_and_kept_until_due(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "spread.duckdb"))
    live = spread_table(con, 10)
    dead, stored = vacuum.dead_rows(con)["spread"]
    assert stored == ROWS and dead == ROWS - len(live)
    assert vacuum.due(con) == []  # 10% is below DEAD_ROW_FRACTION: DuckDB would reclaim none
    with vacuum.vacuum_when_due(con) as compacting:
        con.execute("insert into spread values (-1, 'new')")
        con.execute("checkpoint")
    assert not compacting and vacuum_tasks(con) == 0
    assert vacuum.dead_rows(con)["spread"] == (dead, ROWS + 1)


def test_a_due_table_is_compacted_by_the_next_checkpoint_that_writes_it(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "spread.duckdb"))
    live = spread_table(con, 40)
    assert vacuum.due(con) == ["spread"]
    with vacuum.vacuum_when_due(con) as compacting:
        assert compacting and vacuum_tasks(con) > 0
        con.execute("insert into spread values (-1, 'new')")
        con.execute("checkpoint")
    assert vacuum_tasks(con) == 0
    dead, stored = vacuum.dead_rows(con).get("spread", (0, len(live) + 1))
    assert dead < 0.1 * stored  # most deleted rows reclaimed (they were 40%)
    assert con.execute("select * from spread where id >= 0 order by id").fetchall() == live


def test_the_writer_defers_and_a_due_load_and_publish_compact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = connect(tmp_path / "warehouse.duckdb")
    assert vacuum_tasks(con) == 0
    load_file(con, UPDATE_SOURCE)
    path, _ = update_file(tmp_path, "pubmed99n0001.xml")
    assert load_file(con, path).replaced > 150
    assert vacuum.dead_rows(con)["articles"][0] >= 150  # the replaced versions' rows
    assert vacuum.due(con) == []  # fewer than a row group
    publish_snapshot(con, tmp_path / "warehouse.snapshot.duckdb")
    kept = con.execute("select * from articles order by pmid").fetchall()

    monkeypatch.setattr(vacuum, "MIN_DEAD_ROWS", 1)
    monkeypatch.setattr(vacuum, "DEAD_ROW_FRACTION", 0.1)
    assert "articles" in vacuum.due(con)
    result = load_file(con, CORPUS / "xml/biopython/pubmed1.xml")
    assert result.status == "loaded" and result.inserted == 2
    assert vacuum_tasks(con) == 0
    new = {9997, 12091962}
    rows = con.execute("select * from articles order by pmid").fetchall()
    assert [r for r in rows if r[0] not in new] == kept
    publication = publish_snapshot(con, tmp_path / "warehouse.snapshot.duckdb")
    assert vacuum_tasks(con) == 0
    reader = duckdb.connect(str(publication), read_only=True)
    assert reader.execute("select * from articles order by pmid").fetchall() == rows
    reader.close()


def test_a_publish_says_whether_it_compacted_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy's tables are compacted when due (checked on the copy); the publication says so."""
    con = connect(tmp_path / "warehouse.duckdb")
    copy = tmp_path / "warehouse.snapshot.duckdb"
    load_file(con, UPDATE_SOURCE)
    publish_readers_copy(con, copy)
    publish_readers_copy(con, copy)  # both colours exist: the next ones catch up
    path, _ = update_file(tmp_path, "pubmed99n0001.xml")
    load_file(con, path)
    published = publish_readers_copy(con, copy)
    assert published.method == "caught-up" and not published.replayed.compacted
    load_file(con, CORPUS / "xml/biopython/pubmed1.xml")
    checked = []
    monkeypatch.setattr(vacuum, "due", lambda con, database=None: checked.append(database) or ["x"])
    published = publish_readers_copy(con, copy)
    assert published.method == "caught-up" and published.replayed.compacted
    assert "readers_copy" in checked
    con.close()
