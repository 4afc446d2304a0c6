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
from typing import TypeVar

import duckdb

log = logging.getLogger(__name__)
T = TypeVar("T")

MEMORY_CEILING_FRACTION = 0.5
"""A file whose removals need more than the load memory limit raises DuckDB's limit for its own
transaction, up to this share of the machine's physical memory; beyond it the file is refused."""
MEMORY_UNITS = {"bytes": 2**-20, "KiB": 2**-10, "MiB": 1, "GiB": 2**10, "TiB": 2**20}


def physical_memory_mib() -> float:
    """The machine's physical memory in MiB."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20


def within_memory(con: duckdb.DuckDBPyConnection, attempt: Callable[[], T], what: str) -> T:
    """Run `attempt` (one transaction); when DuckDB runs out of memory (the transaction rolled
    back) try again with twice the memory limit, up to `MEMORY_CEILING_FRACTION` of the
    machine's memory. The limit in force before is restored afterwards."""
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
                log.warning(
                    "%s: out of memory at %.0f MiB, rolled back; trying again with %.0f MiB",
                    what,
                    limit,
                    limit * 2,
                )
                set_memory_limit(con, limit * 2)


@contextmanager
def restored_memory_limit(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Restore DuckDB's memory limit on exit (a setting outlives the transaction that set it)."""
    setting = con.execute("select current_setting('memory_limit')").fetchone()[0]
    try:
        yield
    finally:
        if con.execute("select current_setting('memory_limit')").fetchone()[0] != setting:
            con.execute(f"set memory_limit = '{setting.replace(' ', '')}'")


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
