"""The writer's connection holds the warehouse as an attached database, so that it can be read
from disk afresh without closing the connection.

DuckDB (2.0.1) can leave a table poisoned when it runs out of memory inside a `delete`: rows of
the vector being marked keep the failed transaction's id after the rollback (the undo entry
that would revert them could not be allocated), and every later transaction deleting one of
them fails with `Conflict on tuple deletion!` until the database is read from disk again. A
retry after running out of memory (`warehouse.loading.memory.within_memory`) therefore first
detaches the warehouse and attaches it again (`reattach`): what was committed is on disk, the
poisoned in-memory state is dropped, and the connection keeps its settings and temp tables.

A connection opened on the file itself (`duckdb.connect(path)`) could not do this: its default
database cannot be detached. So a writable warehouse is attached to an in-memory connection
under the file's stem (as DuckDB names a file it opens) and made the default with `use`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from warehouse.schema import literal, quoted

log = logging.getLogger(__name__)

RESERVED_NAMES = frozenset({"memory", "system", "temp", "main"})
"""Database names DuckDB keeps for itself; a warehouse file with such a stem is attached as
`FALLBACK_NAME`."""
FALLBACK_NAME = "warehouse"


def open_attached(path: Path, config: dict[str, str]) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the warehouse file PATH attached writable and in use."""
    con = duckdb.connect(":memory:", config=config)
    try:
        _attach(con, str(path), attached_name(path))
    except BaseException:
        con.close()
        raise
    return con


def attached_name(path: Path) -> str:
    """The name the warehouse file is attached under: its stem, as DuckDB names an opened file."""
    name = path.stem or FALLBACK_NAME
    return FALLBACK_NAME if name.lower() in RESERVED_NAMES else name


def reattach(con: duckdb.DuckDBPyConnection) -> bool:
    """Detach the database in use and attach its file again (no transaction may be open):
    DuckDB then reads it from disk, dropping what a failed transaction left in memory. False,
    changing nothing, when the database in use is the connection's own (a connection opened on
    the file itself) or is not a file."""
    name, path = con.execute(
        "select database_name, path from duckdb_databases() "
        "where database_name = current_database()"
    ).fetchone()
    if not path:
        return False
    try:
        con.execute("use memory")
    except duckdb.Error:
        return False  # no in-memory database to step to: the file is the connection's own
    con.execute(f"detach {quoted(name)}")
    _attach(con, path, name)
    log.info("%s: read from disk again after a failed transaction", path)
    return True


def _attach(con: duckdb.DuckDBPyConnection, path: str, name: str) -> None:
    con.execute(f"attach {literal(path)} as {quoted(name)}")
    con.execute(f"use {quoted(name)}")
