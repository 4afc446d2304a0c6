"""When DuckDB's checkpoint compacts the warehouse's tables.

A checkpoint with vacuuming on weighs merging the row groups of every table it writes, so that
deleted rows stop taking space. DuckDB (2.0.1) merges row groups only once about a quarter of
their rows are deleted: deleting 20% of a table's rows evenly reclaims nothing, 30% nearly all.
The deletes of a daily update are spread over the whole PMID range, about 1% of each table's
rows for 30,000 replaced records at 3M: vacuuming then reclaimed almost nothing (29 blocks) yet
rewrote about 2,300 blocks, made the update's commit 22.7 s instead of 5.6 s and left the file
0.5 GB larger, and it costs more as the warehouse grows.

So a writer's connection keeps vacuuming off (`defer`), and a load or publish turns it on for
its own checkpoint only when, as it starts, some table of the database it writes has deleted
rows that DuckDB can reclaim: at least `DEAD_ROW_FRACTION` of its stored rows and at least
`MIN_DEAD_ROWS` (`vacuum_when_due`). A table's deleted rows are its stored rows
(`duckdb_tables().estimated_size`) less its live ones (`count(*)`), both read from row-group
metadata, not by scanning. Space held by deleted rows then stays under about that fraction, as
DuckDB's own vacuuming would leave it, and the rewrite that reclaims it happens once per that
share of the warehouse replaced or deleted, not at every file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from warehouse.loading.memory import table_rows
from warehouse.schema import quoted

log = logging.getLogger(__name__)

DEAD_ROW_FRACTION = 0.3
"""Share of a table's stored rows that may be deleted before a checkpoint compacts it (DuckDB
reclaims evenly spread deleted rows from about a quarter on)."""
MIN_DEAD_ROWS = 122_880
"""Deleted rows a table must have before it is compacted: one row group, the least DuckDB can
reclaim."""


def defer(con: duckdb.DuckDBPyConnection) -> None:
    """Keep this connection's checkpoints from compacting tables until `vacuum_when_due`."""
    con.execute("set max_vacuum_tasks = 0")


def dead_rows(
    con: duckdb.DuckDBPyConnection, database: str | None = None
) -> dict[str, tuple[int, int]]:
    """(deleted rows not yet reclaimed, stored rows) of every table of DATABASE (the current
    one by default) that has some: stored rows (`memory.table_rows`) less live ones, counted
    in one statement."""
    stored = table_rows(con, database)
    if not stored:
        return {}
    database = database or con.execute("select current_database()").fetchone()[0]
    tables = list(stored)
    counts = con.execute(
        " union all ".join(
            f"select {i} as i, count(*) from {quoted(database)}.main.{quoted(table)}"
            for i, table in enumerate(tables)
        )
    ).fetchall()
    live = {tables[i]: rows for i, rows in counts}
    return {t: (rows - live[t], rows) for t, rows in stored.items() if rows > live[t]}


def due(con: duckdb.DuckDBPyConnection, database: str | None = None) -> list[str]:
    """Tables of DATABASE whose deleted rows reach `DEAD_ROW_FRACTION` of their stored rows and
    `MIN_DEAD_ROWS`."""
    return sorted(
        table
        for table, (dead, rows) in dead_rows(con, database).items()
        if dead >= max(DEAD_ROW_FRACTION * rows, MIN_DEAD_ROWS)
    )


@contextmanager
def vacuum_when_due(con: duckdb.DuckDBPyConnection, database: str | None = None) -> Iterator[bool]:
    """Let the checkpoints of the block compact the tables they write when some table of
    DATABASE (the current one by default) is `due`, checked on entry, before the block's
    transaction; yields whether they do. The block's own transaction must be checkpointed
    inside the block (a commit checkpoints a big one; otherwise run `checkpoint`)."""
    tables = due(con, database)
    if not tables:
        yield False
        return
    log.info(
        "compacting: deleted rows reached %.0f%% of %s", DEAD_ROW_FRACTION * 100, ", ".join(tables)
    )
    con.execute("reset max_vacuum_tasks")
    try:
        yield True
    finally:
        defer(con)
