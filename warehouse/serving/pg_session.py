"""One PostgreSQL client connection of `serve-sql`: start-up, SCRAM, simple and extended queries."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import ssl
import struct
from concurrent.futures import Executor
from dataclasses import dataclass

import duckdb

from warehouse.serving import pgwire
from warehouse.serving.sql_server import (
    PG_SETTINGS,
    STARTUP_SETTINGS,
    NotPermitted,
    ReadersCopy,
    ReadOnlyRefused,
    Result,
    ServerConfig,
    Session,
    StatementFailed,
    sqlstate,
)

log = logging.getLogger(__name__)
PARAMETER = r"\$(\d+)"
LOCAL = re.compile(
    r"\s*(begin|start|commit|end|rollback|abort|set|reset|discard|deallocate|savepoint|release)\b",
    re.IGNORECASE,
)
SHOW = re.compile(r"\s*show\s+\S", re.IGNORECASE)


@dataclass
class Portal:
    """A bound statement: its result, computed at bind time."""

    result: Result


class ClientGone(Exception):
    """The client closed the connection."""


class Connection:
    """The protocol state of one client."""

    def __init__(
        self, reader, writer, copy: ReadersCopy, config: ServerConfig, executor, tls=None
    ) -> None:
        self.reader, self.writer = reader, writer
        self.config, self.executor, self.tls = config, executor, tls
        self.encrypted = False
        self.session = Session(copy)
        self.statements: dict[str, tuple[str, list[int]]] = {}
        self.portals: dict[str, Portal] = {}
        self.skipping = False  # after an error in the extended protocol, until Sync

    async def read_message(self) -> tuple[bytes, bytes]:
        try:
            header = await self.reader.readexactly(5)
            body = await self.reader.readexactly(struct.unpack("!i", header[1:])[0] - 4)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise ClientGone from exc
        return header[:1], body

    def send(self, *messages: bytes) -> None:
        self.writer.write(b"".join(messages))

    async def run(self, sql: str, params: list | None = None) -> list[Result]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.session.run, sql, params)

    async def start(self) -> bool:
        """Start-up and authentication; False when the client is refused or leaves."""
        while True:
            length = struct.unpack("!i", await self.reader.readexactly(4))[0]
            body = await self.reader.readexactly(length - 4)
            (code,) = struct.unpack_from("!i", body)
            if code == pgwire.SSL_REQUEST and self.tls is not None and not self.encrypted:
                self.send(b"S")
                await self.writer.drain()
                await self.writer.start_tls(self.tls)
                self.encrypted = True
                continue
            if code in (pgwire.SSL_REQUEST, pgwire.GSS_REQUEST):
                self.send(b"N")
                continue
            if code != pgwire.PROTOCOL_3:
                return False
            break
        if self.config.require_tls and not self.encrypted:
            self.send(pgwire.error("28000", "this server accepts TLS connections only", "FATAL"))
            await self.writer.drain()
            return False
        parts = body[4:].split(b"\0")
        params = {
            k.decode(): v.decode() for k, v in zip(parts[::2], parts[1::2], strict=False) if k
        }
        if not await self.authenticate(params.get("user", "")):
            return False
        self.send(pgwire.auth_request(0))
        for name in STARTUP_SETTINGS:
            self.send(pgwire.parameter_status(name, PG_SETTINGS[name]))
        for name in ("DateStyle", "TimeZone", "integer_datetimes", "standard_conforming_strings"):
            self.send(pgwire.parameter_status(name, PG_SETTINGS[name.lower()]))
        self.send(
            pgwire.message(b"K", struct.pack("!ii", 0, secrets.randbits(31))),
            pgwire.ready(b"I"),
        )
        await self.writer.drain()
        return True

    async def authenticate(self, user: str) -> bool:
        """SCRAM-SHA-256 against the configured user and password."""
        scram = pgwire.Scram(self.config.password)
        self.send(pgwire.auth_request(10, b"SCRAM-SHA-256\0\0"))
        await self.writer.drain()
        kind, body = await self.read_message()
        if kind != b"p":
            return False
        self.send(pgwire.auth_request(11, scram.first(pgwire.sasl_response(body, True)).encode()))
        await self.writer.drain()
        kind, body = await self.read_message()
        final = scram.final(pgwire.sasl_response(body, False)) if kind == b"p" else None
        if final is None or user != self.config.user:
            self.send(
                pgwire.error("28P01", f'password authentication failed for user "{user}"', "FATAL")
            )
            await self.writer.drain()
            log.warning("serve-sql: refused user %r (wrong user or password)", user)
            return False
        self.send(pgwire.auth_request(12, final.encode()))
        return True

    async def serve(self) -> None:
        """Answer messages until the client terminates."""
        handlers = {
            b"Q": self.simple_query,
            b"P": self.parse,
            b"B": self.bind,
            b"D": self.describe,
            b"E": self.execute,
            b"C": self.close_statement,
        }
        while True:
            kind, body = await self.read_message()
            if kind == b"X":
                return
            if kind == b"S":
                self.skipping = False
                self.send(pgwire.ready(self.session.status()))
            elif kind == b"H":
                pass
            elif kind in handlers and not (self.skipping and kind != b"Q"):
                try:
                    await handlers[kind](body)
                except (
                    duckdb.Error,
                    ReadOnlyRefused,
                    NotPermitted,
                    StatementFailed,
                    pgwire.ProtocolError,
                    ValueError,
                ) as exc:
                    self.fail(exc, extended=kind != b"Q")
                    if kind == b"Q":
                        self.send(pgwire.ready(self.session.status()))
            await self.writer.drain()

    def fail(self, exc: Exception, extended: bool) -> None:
        """Send the error; in the extended protocol skip to Sync; a transaction is aborted."""
        self.send(
            pgwire.error(sqlstate(exc), str(exc.error if isinstance(exc, StatementFailed) else exc))
        )
        self.skipping = extended
        if self.session.in_transaction:
            self.session.failed = True

    async def simple_query(self, body: bytes) -> None:
        """Answer each statement in order; the first that fails ends the string (as PostgreSQL)."""
        sql, _ = pgwire.read_cstring(body, 0)
        self.skipping = False
        try:
            self.send_results(await self.run(sql))
        except StatementFailed as failed:
            self.send_results(failed.done)
            raise
        self.send(pgwire.ready(self.session.status()))

    def send_results(self, results: list[Result]) -> None:
        for result in results:
            if not result.tag:
                self.send(pgwire.message(b"I"))
                continue
            if result.copy is not None:
                self.send_copy(result)
                continue
            if result.columns is not None:
                self.send(pgwire.row_description(result.columns))
                self.send(*map(pgwire.data_row, result.rows))
            self.send(pgwire.command_complete(result.tag))

    def send_copy(self, result: Result) -> None:
        """CopyOutResponse, a CopyData per line, CopyDone and the COPY tag."""
        count = len(result.columns)
        self.send(pgwire.message(b"H", struct.pack(f"!bh{count}h", 0, count, *[0] * count)))
        lines = result.copy.lines(result.columns, result.rows)
        self.send(*(pgwire.message(b"d", line) for line in lines))
        self.send(pgwire.message(b"c"), pgwire.command_complete(result.tag))

    async def parse(self, body: bytes) -> None:
        name, at = pgwire.read_cstring(body, 0)
        sql, at = pgwire.read_cstring(body, at)
        (count,) = struct.unpack_from("!h", body, at)
        oids = list(struct.unpack_from(f"!{count}i", body, at + 2))
        self.statements[name] = (sql, oids)
        self.send(pgwire.message(b"1"))

    async def bind(self, body: bytes) -> None:
        portal, at = pgwire.read_cstring(body, 0)
        name, at = pgwire.read_cstring(body, at)
        sql, oids = self.statements[name]
        formats, at = _int16s(body, at)
        (count,) = struct.unpack_from("!h", body, at)
        at += 2
        params = []
        for i in range(count):
            (length,) = struct.unpack_from("!i", body, at)
            raw = None if length < 0 else body[at + 4 : at + 4 + length]
            at += 4 + max(length, 0)
            binary = (formats[i] if len(formats) > 1 else (formats or [0])[0]) == 1
            oid = oids[i] if i < len(oids) else 0
            params.append(
                _binary_parameter(raw, oid) if binary else pgwire.parameter_value(raw, oid)
            )
        results, _ = _int16s(body, at)
        if any(results):
            raise pgwire.ProtocolError("binary result format is not supported: ask for text")
        outcome = await self.run(sql, params)
        self.portals[portal] = Portal(outcome[-1])
        self.send(pgwire.message(b"2"))

    async def describe(self, body: bytes) -> None:
        what, name = body[:1], pgwire.read_cstring(body, 1)[0]
        if what == b"S":
            sql, oids = self.statements[name]
            count = max([int(n) for n in _parameters(sql)] or [0])
            oids = (oids + [25] * count)[:count]
            self.send(pgwire.message(b"t", struct.pack(f"!h{count}i", count, *oids)))
            columns = await asyncio.get_running_loop().run_in_executor(
                self.executor, _describe, self.session, sql, count
            )
        else:
            columns = self.portals[name].result.columns
        self.send(pgwire.row_description(columns) if columns else pgwire.message(b"n"))

    async def execute(self, body: bytes) -> None:
        name, _ = pgwire.read_cstring(body, 0)
        result = self.portals[name].result
        if not result.tag:
            self.send(pgwire.message(b"I"))
            return
        self.send(*map(pgwire.data_row, result.rows), pgwire.command_complete(result.tag))

    async def close_statement(self, body: bytes) -> None:
        what, name = body[:1], pgwire.read_cstring(body, 1)[0]
        (self.statements if what == b"S" else self.portals).pop(name, None)
        self.send(pgwire.message(b"3"))


def _describe(session: Session, sql: str, count: int) -> list[tuple[str, str]] | None:
    """Columns of a prepared statement; None for one that returns no rows."""
    if LOCAL.match(sql):
        return None
    setting = sql.strip().rstrip(";")[4:].strip().lower() if SHOW.match(sql) else None
    if setting in PG_SETTINGS:
        return [(setting, "VARCHAR")]
    return session.describe(sql, count)


def _parameters(sql: str) -> list[str]:
    return re.findall(PARAMETER, sql)


def _int16s(body: bytes, at: int) -> tuple[list[int], int]:
    (count,) = struct.unpack_from("!h", body, at)
    return list(struct.unpack_from(f"!{count}h", body, at + 2)), at + 2 + 2 * count


def _binary_parameter(raw: bytes | None, oid: int) -> object:
    """A binary-format bind parameter (integers, floats, booleans, text, bytea)."""
    if raw is None:
        return None
    if oid in (20, 21, 23):
        return int.from_bytes(raw, "big", signed=True)
    if oid == 701:
        return struct.unpack("!d", raw)[0]
    if oid == 700:
        return struct.unpack("!f", raw)[0]
    if oid == 16:
        return raw != b"\0"
    if oid == 17:
        return raw
    return raw.decode()


async def handle_client(
    reader, writer, copy: ReadersCopy, config: ServerConfig, executor: Executor, tls=None
):
    """Serve one client connection to its end (TLS offered when TLS is a context)."""
    connection = Connection(reader, writer, copy, config, executor, tls)
    try:
        if await connection.start():
            await connection.serve()
    except (ClientGone, asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
        pass
    except Exception:
        log.exception("serve-sql: a client connection failed")
    finally:
        await asyncio.get_running_loop().run_in_executor(executor, connection.session.close)
        writer.close()
