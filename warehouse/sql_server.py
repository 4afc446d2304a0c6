"""`serve-sql`: the readers' copy over the PostgreSQL wire protocol, read-only, password-checked.

Each client session reads one DuckDB cursor of the newest published readers' copy; outside a
transaction a session moves to a newer copy as soon as one is published (the published name's
inode changes), and a copy nobody reads any more is closed, so the next publish can update it.
Only queries run: anything else is refused with SQLSTATE 25006. DuckDB's external access is off,
so a query cannot read or write other files. Password authentication is SCRAM-SHA-256.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import tempfile
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.errors import WarehouseError

log = logging.getLogger(__name__)

QUERY_TYPES = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
PG_SETTINGS = {
    "server_version": "16.0",
    "server_encoding": "UTF8",
    "client_encoding": "UTF8",
    "datestyle": "ISO, MDY",
    "timezone": "UTC",
    "integer_datetimes": "on",
    "standard_conforming_strings": "on",
    "transaction isolation level": "read committed",
    "transaction_isolation": "read committed",
    "default_transaction_read_only": "on",
    "search_path": "main",
    "is_superuser": "off",
}
STARTUP_SETTINGS = ("server_version", "server_encoding", "client_encoding", "datestyle")
VERSION = re.compile(r"\b(?:pg_catalog\.)?version\(\)", re.IGNORECASE)
REGTYPE_CAST = re.compile(r"::\s*regtype\b", re.IGNORECASE)
PG_MACROS = (
    # psycopg looks types up by name (hstore, for SQLAlchemy): none of them exists here.
    "create or replace temp macro to_regtype(name) as null::integer",
)
SERVER_VERSION = "PostgreSQL 16.0 on pubmed-warehouse (DuckDB readers copy)"


class ReadOnlyRefused(WarehouseError):
    """A client sent a statement that is not a query."""


@dataclass
class Result:
    """What one statement gave: columns (None when it returns no rows), rows and its tag."""

    columns: list[tuple[str, str]] | None
    rows: list[tuple] = field(default_factory=list)
    tag: str = "SELECT 0"


class CopyGeneration:
    """One opened readers' copy (a file, by inode) and how many sessions read it."""

    def __init__(self, path: Path, memory_limit: str) -> None:
        self.inode = _inode(path)
        spill = Path(tempfile.gettempdir()) / f"pubmed-warehouse-serve-sql-{os.getpid()}"
        self.con = duckdb.connect(
            ":memory:", config={"memory_limit": memory_limit, "temp_directory": str(spill)}
        )
        self.catalog = path.name.split(".")[0] or "readers"
        self.con.execute(f"attach '{_quoted(path)}' as \"{self.catalog}\" (read_only)")
        self.con.execute("set enable_external_access = false")
        self.con.execute("set lock_configuration = true")
        self.readers = 0
        self.retired = False


class ReadersCopy:
    """The newest published readers' copy at PATH, opened anew after each publish."""

    def __init__(self, path: Path, memory_limit: str = "1GB") -> None:
        self.path = path
        self.memory_limit = memory_limit
        self.lock = threading.Lock()
        self.current: CopyGeneration | None = None
        self.sessions: weakref.WeakSet[Session] = weakref.WeakSet()

    def interrupt(self) -> None:
        """Stop every running query (the server is stopping)."""
        for session in list(self.sessions):
            if session.cursor is not None:
                session.cursor.interrupt()

    def acquire(self) -> CopyGeneration:
        """The newest copy, counted as read until `release`."""
        with self.lock:
            if self.current is None or self.current.inode != _inode(self.path):
                if self.current is not None:
                    self._retire(self.current)
                self.current = CopyGeneration(self.path, self.memory_limit)
                log.info("serving the readers' copy %s (inode %s)", self.path, self.current.inode)
            self.current.readers += 1
            return self.current

    def release(self, generation: CopyGeneration) -> None:
        with self.lock:
            generation.readers -= 1
            if generation.retired and generation.readers == 0:
                generation.con.close()

    def _retire(self, generation: CopyGeneration) -> None:
        generation.retired = True
        if generation.readers == 0:
            generation.con.close()


def _inode(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise WarehouseError(
            f"no readers' copy at {path}: run `pubmed-warehouse load` first"
        ) from exc
    return stat.st_dev, stat.st_ino


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


class Session:
    """One client's statements, run on a cursor of the newest copy (kept within a transaction)."""

    def __init__(self, copy: ReadersCopy) -> None:
        self.copy = copy
        copy.sessions.add(self)
        self.generation: CopyGeneration | None = None
        self.cursor: duckdb.DuckDBPyConnection | None = None
        self.in_transaction = False
        self.failed = False

    def status(self) -> bytes:
        if self.failed:
            return b"E"
        return b"T" if self.in_transaction else b"I"

    def run(self, sql: str, params: list | None = None) -> list[Result]:
        """Run SQL (one or more statements); raises `ReadOnlyRefused` or `duckdb.Error`."""
        if self.failed and not _is(sql.strip(), "rollback", "abort"):
            raise ReadOnlyRefused("current transaction is aborted, commands ignored until ROLLBACK")
        if not self.in_transaction:
            self._cursor()  # a transaction reads the newest copy from its first statement on
        if answered := self.answer_locally(sql.strip().rstrip(";").strip()):
            return [answered]
        sql = REGTYPE_CAST.sub("", VERSION.sub(f"'{SERVER_VERSION}'", sql))
        statements = duckdb.extract_statements(sql)
        for statement in statements:
            if statement.type not in QUERY_TYPES:
                kind = statement.type.name
                raise ReadOnlyRefused(
                    f"the readers' copy is read-only: {kind} refused (only queries run here; "
                    "the warehouse changes through `pubmed-warehouse load`)"
                )
        cursor = self._cursor()
        return [self._execute(cursor, statement.query, params) for statement in statements]

    def answer_locally(self, sql: str) -> Result | None:
        """Transaction control, SET and SHOW, which a read-only copy answers itself."""
        if not sql:
            return Result(None, tag="")
        if _is(sql, "begin", "start transaction"):
            self.in_transaction = True
            return Result(None, tag="BEGIN")
        if _is(sql, "savepoint", "release"):
            return Result(None, tag=sql.split()[0].upper())
        if re.match(r"rollback\s+to\b", sql, re.IGNORECASE):
            self.failed = False  # nothing was written since the savepoint: nothing to undo
            return Result(None, tag="ROLLBACK")
        if _is(sql, "commit", "end", "rollback", "abort"):
            tag = "ROLLBACK" if _is(sql, "rollback", "abort") else "COMMIT"
            self.in_transaction = self.failed = False
            return Result(None, tag=tag)
        if _is(sql, "set", "reset", "discard", "deallocate"):
            return Result(None, tag=sql.split()[0].upper())
        if _is(sql, "show"):
            name = sql[4:].strip().lower()
            if name in PG_SETTINGS:
                return Result([(name, "VARCHAR")], [(PG_SETTINGS[name],)], "SHOW")
        return None

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """This session's cursor, on the newest copy unless a transaction holds it."""
        if self.generation is None or not self.in_transaction:
            newest = self.copy.acquire()
            if newest is self.generation:
                self.copy.release(newest)
            else:
                self.close()
                self.generation, self.cursor = newest, newest.con.cursor()
                self.cursor.execute(f'use "{newest.catalog}"')
                for macro in PG_MACROS:
                    self.cursor.execute(macro)
        return self.cursor

    def _execute(self, cursor: duckdb.DuckDBPyConnection, sql: str, params: list | None) -> Result:
        cursor.execute(sql, params or None)
        if cursor.description is None:
            return Result(None, tag="SELECT 0")
        columns = [(d[0], str(d[1])) for d in cursor.description]
        rows = cursor.fetchall()
        return Result(columns, rows, f"SELECT {len(rows)}")

    def describe(self, sql: str, parameters: int) -> list[tuple[str, str]] | None:
        """Columns a prepared query returns (run with NULL parameters and no rows)."""
        results = self.run(
            f"select * from ({sql.rstrip().rstrip(';')}) limit 0", [None] * parameters
        )
        return results[-1].columns

    def close(self) -> None:
        if self.cursor is not None:
            self.cursor.close()
        if self.generation is not None:
            self.copy.release(self.generation)
        self.generation = self.cursor = None


def _is(sql: str, *keywords: str) -> bool:
    """True when SQL starts with one of KEYWORDS (as whole words)."""
    lowered = sql.lower()
    return any(re.match(rf"{re.escape(k)}\b", lowered) for k in keywords)


def sqlstate(exc: Exception) -> str:
    """The SQLSTATE a PostgreSQL client is told for an error."""
    if isinstance(exc, ReadOnlyRefused):
        return "25P02" if "aborted" in str(exc) else "25006"
    if isinstance(exc, duckdb.ParserException):
        return "42601"
    if isinstance(exc, duckdb.CatalogException):
        return "42P01"
    if isinstance(exc, duckdb.BinderException):
        return "42703"
    if isinstance(exc, duckdb.ConversionException | duckdb.InvalidInputException):
        return "22000"
    return "XX000"


@dataclass
class ServerConfig:
    """Where the endpoint listens and whom it lets in."""

    copy: Path
    user: str
    password: str
    host: str = "127.0.0.1"
    port: int = 5433
    threads: int = 8
    memory_limit: str = "1GB"
    """DuckDB memory of the whole server (queries spill beyond it)."""


def serve(config: ServerConfig, on_listening: Callable[[str, int], None] | None = None) -> int:
    """Serve until SIGINT or SIGTERM; returns the signal that stopped it."""
    return asyncio.run(_serve(config, on_listening))


async def _serve(config: ServerConfig, on_listening: Callable[[str, int], None] | None) -> int:
    from warehouse.pg_session import handle_client

    copy = ReadersCopy(config.copy, config.memory_limit)
    copy.release(copy.acquire())  # a missing or unreadable copy fails here, before listening
    executor = ThreadPoolExecutor(config.threads, thread_name_prefix="serve-sql")
    server = await asyncio.start_server(
        lambda reader, writer: handle_client(reader, writer, copy, config, executor),
        config.host,
        config.port,
    )
    stop, received = asyncio.Event(), []
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):  # before it says it listens
        loop.add_signal_handler(signum, lambda signum=signum: (received.append(signum), stop.set()))
    host, port = server.sockets[0].getsockname()[:2]
    if on_listening:
        on_listening(host, port)
    async with server:
        await stop.wait()
        server.close()
        copy.interrupt()
    executor.shutdown(wait=False, cancel_futures=True)
    log.info("serve-sql (pid %d) stopped", os.getpid())
    return received[0]
