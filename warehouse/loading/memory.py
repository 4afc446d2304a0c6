"""How much memory DuckDB may use while one file is applied or a readers' copy is published.

The writer runs with `load_memory_limit` (200MB by default): DuckDB spills joins and staging
beyond it. What it cannot spill (blocks a transaction changes, pinned until the commit; the
PMID index it touches) grows with how much a file replaces or deletes, so a step that needs
more raises the limit for its own transaction, up to `MEMORY_CEILING_FRACTION` of the machine's
physical memory, and the limit in force before is restored once it ends.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import duckdb

from warehouse.attachment import reattach

log = logging.getLogger(__name__)
T = TypeVar("T")

MEMORY_CEILING_FRACTION = 0.5
"""A file whose removals need more than the load memory limit raises DuckDB's limit for its own
transaction, up to this share of the machine's physical memory; beyond it the file is refused."""
MEMORY_UNITS = {"bytes": 2**-20, "KiB": 2**-10, "MiB": 1, "GiB": 2**10, "TiB": 2**20}


INDEX_MIB_PER_MILLION = 16
"""Memory DuckDB holds for the primary-key index of `articles` per million articles, once a
file removes PMIDs spread over the whole range (measured: 10-16 MiB)."""
INDEX_MIB_PER_REMOVAL = 0.75
"""The index memory one removed PMID can load (an index block and its parents)."""
BLOCK_ROWS = 2048
"""Rows per DuckDB vector; a delete or update keeps version information per vector."""
KIB_PER_TOUCHED_BLOCK = 24
"""Memory DuckDB pins until the commit for each vector of a table in which the file deletes or
updates rows (measured: 23.7 KiB, a 30,000-PMID spread replacement at 3M articles)."""
APPLY_MIB = 200
"""Memory an apply needs beside its removals (joins, the aggregates' change, buffers); DuckDB
spills beyond it (measured: a 30,000-record spread update at 358,000 records, every counts
aggregate rewritten, ran out at 100 MiB above its removals and passed at 200)."""
REWRITE_ABOVE_MIB = 32
"""A change to an aggregate table that would pin more than this in place (`KIB_PER_TOUCHED_BLOCK`
per vector it changes) rewrites the table instead (`rewrite_pays`)."""


@dataclass(frozen=True)
class RemovalNeed:
    """Memory a transaction that deletes or updates rows spread over tables needs until it
    commits: what DuckDB pins per touched vector, plus the part of the PMID index it loads."""

    touched_blocks: int
    articles_m: float
    mib: float


def removal_need(
    rows: dict[str, int], touched: dict[str, int], removed_articles: int
) -> RemovalNeed:
    """The need of deleting or updating `touched[table]` rows (at most one vector each) of tables
    holding `rows[table]` rows, `removed_articles` of them keys of `articles`."""
    blocks = sum(touched_blocks(n, rows.get(table, 0)) for table, n in touched.items())
    articles_m = rows.get("articles", 0) / 1e6
    index_mib = min(articles_m * INDEX_MIB_PER_MILLION, removed_articles * INDEX_MIB_PER_REMOVAL)
    return RemovalNeed(
        blocks, articles_m, APPLY_MIB + blocks * KIB_PER_TOUCHED_BLOCK / 1024 + index_mib
    )


def touched_blocks(changed_rows: int, rows: int) -> int:
    """Vectors that changing CHANGED_ROWS rows spread over a table of ROWS rows touches: one
    per changed row, at most every vector of the table."""
    return min(changed_rows, -(-rows // BLOCK_ROWS))


def in_place_mib(changed_rows: int, rows: int) -> float:
    """What changing CHANGED_ROWS rows spread over a table of ROWS rows in place pins until the
    commit (`touched_blocks`)."""
    return touched_blocks(changed_rows, rows) * KIB_PER_TOUCHED_BLOCK / 1024


def rewrite_pays(changed_rows: int, rows: int) -> bool:
    """Whether a change of CHANGED_ROWS rows of a table of ROWS rows is written as a new table
    rather than in place: when in place it could pin more than `REWRITE_ABOVE_MIB`. A rewrite
    reads and writes every row, but pins nothing: its rows go to disk as they are written, and
    the old table's blocks are freed at the checkpoint."""
    return in_place_mib(changed_rows, rows) > REWRITE_ABOVE_MIB


def most_changed_in_place(rows: int) -> int | None:
    """The most rows a change of a table of ROWS rows can touch and still be written in place
    (`rewrite_pays` is false for it and every smaller change; -1 when none can); None when
    every change can."""
    if not rewrite_pays(rows, rows):
        return None
    return max(-1, int(REWRITE_ABOVE_MIB * 1024 // KIB_PER_TOUCHED_BLOCK))


def table_rows(con: duckdb.DuckDBPyConnection, database: str | None = None) -> dict[str, int]:
    """DuckDB's row estimate of every table of DATABASE (default: the current one), no scan."""
    database = database or con.execute("select current_database()").fetchone()[0]
    return dict(
        con.execute(
            "select table_name, estimated_size from duckdb_tables() "
            "where database_name = ? and schema_name = 'main'",
            [database],
        ).fetchall()
    )


def raise_limit_to(con: duckdb.DuckDBPyConnection, needed_mib: float, what: str) -> bool:
    """Raise DuckDB's memory limit to NEEDED_MIB when it is lower and that fits under the
    ceiling; False when it does not fit (the limit is left alone)."""
    limit = memory_limit_mib(con)
    if needed_mib <= limit:
        return True
    if needed_mib > memory_ceiling_mib():
        return False
    log.info(
        "%s: DuckDB's memory limit raised from %.0f to %.0f MiB until it commits",
        what,
        limit,
        needed_mib,
    )
    set_memory_limit(con, needed_mib)
    return True


def memory_ceiling_mib() -> float:
    """The most a transaction raises DuckDB's memory limit to by itself."""
    return physical_memory_mib() * MEMORY_CEILING_FRACTION


def physical_memory_mib() -> float:
    """The machine's physical memory in MiB."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20


def within_memory(con: duckdb.DuckDBPyConnection, attempt: Callable[[], T], what: str) -> T:
    """Run `attempt` (one transaction); when DuckDB runs out of memory (the transaction rolled
    back) try again with twice the memory limit, up to `MEMORY_CEILING_FRACTION` of the
    machine's memory, on the database read from disk again (`attachment.reattach`: running out
    of memory inside a `delete` can leave rows that no later transaction may delete until
    then). The limit in force before is restored afterwards."""
    with restored_memory_limit(con):
        while True:
            try:
                return attempt()
            except duckdb.Error as exc:
                if not out_of_memory(exc):
                    raise
                rollback_quietly(con)
                limit = memory_limit_mib(con)
                if limit * 2 > physical_memory_mib() * MEMORY_CEILING_FRACTION:
                    raise
                reattach(con)  # a delete cut short by it can leave rows poisoned in memory
                log.warning(
                    "%s: out of memory at %.0f MiB, rolled back; trying again with %.0f MiB",
                    what,
                    limit,
                    limit * 2,
                )
                set_memory_limit(con, limit * 2)


@contextmanager
def restored_memory_limit(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Restore DuckDB's memory limit on exit (a setting outlives the transaction that set it).

    DuckDB refuses a limit below what it holds, and it lets go of the blocks a committed
    transaction pinned only at a checkpoint: a refused restore checkpoints and tries again,
    and if it is still refused the raised limit stays (logged) rather than turn work that
    committed into an error."""
    setting = con.execute("select current_setting('memory_limit')").fetchone()[0]
    try:
        yield
    finally:
        if con.execute("select current_setting('memory_limit')").fetchone()[0] != setting:
            _restore_limit(con, setting.replace(" ", ""))


def _restore_limit(con: duckdb.DuckDBPyConnection, setting: str) -> None:
    for attempt in range(2):
        try:
            con.execute(f"set memory_limit = '{setting}'")
            return
        except duckdb.OutOfMemoryException as exc:
            if attempt:
                log.warning("DuckDB's memory limit stays raised, not back to %s: %s", setting, exc)
                return
            try:
                con.execute("checkpoint")
            except duckdb.Error as failed:
                log.warning("checkpoint before restoring the memory limit: %s", failed)


def memory_limit_mib(con: duckdb.DuckDBPyConnection) -> float:
    """DuckDB's memory limit in MiB (it reports e.g. `190.7 MiB`); infinite if not told."""
    text = con.execute("select current_setting('memory_limit')").fetchone()[0]
    number, _, unit = str(text).partition(" ")
    try:
        return float(number) * MEMORY_UNITS[unit]
    except (ValueError, KeyError):
        return float("inf")


def out_of_memory(exc: duckdb.Error) -> bool:
    """DuckDB ran out of memory: raised as such, or as the failed commit or checkpoint it
    caused (a `TransactionException` naming the failed allocation)."""
    text = str(exc)
    return isinstance(exc, duckdb.OutOfMemoryException) or (
        "failed to allocate" in text or "Out of Memory" in text
    )


def set_memory_limit(con: duckdb.DuckDBPyConnection, mib: float) -> None:
    """Set DuckDB's memory limit to MIB (rounded up)."""
    con.execute(f"set memory_limit = '{math.ceil(mib)}MiB'")


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back whatever is open; a transaction the failure already ended is fine."""
    try:
        con.rollback()
    except duckdb.Error:
        return
