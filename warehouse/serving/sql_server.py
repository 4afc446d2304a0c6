"""`serve-sql`: the readers' copy over the PostgreSQL wire protocol, read-only, password-checked.

Each client session reads one DuckDB cursor of the newest published readers' copy; outside a
transaction a session moves to a newer copy as soon as one is published (the published name's
inode changes), and a copy nobody reads any more is closed, so the next publish can update it.
Only queries run: anything else is refused with SQLSTATE 25006. DuckDB's external access is off,
so a query cannot read or write other files. Password authentication is SCRAM-SHA-256.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import os
import re
import ssl
import tempfile
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from duckdb.sqltypes import INTEGER, VARCHAR

from warehouse.errors import ConfigError, WarehouseError
from warehouse.schema import literal, quoted, sql_dir
from warehouse.serving import pgwire

log = logging.getLogger(__name__)

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
    "server_version_num": "160000",
    "application_name": "",
    "lc_collate": "C",
    "lc_ctype": "C",
}
STARTUP_SETTINGS = ("server_version", "server_encoding", "client_encoding", "datestyle")
TABLE_MACRO = re.compile(r"^create or replace temp macro (\w+)\(\) as table", re.MULTILINE)
ALIAS_ENDS = (
    "where",
    "join",
    "left",
    "right",
    "inner",
    "full",
    "cross",
    "natural",
    "on",
    "using",
    "group",
    "order",
    "limit",
    "offset",
    "union",
    "except",
    "intersect",
    "having",
    "window",
    "qualify",
    "lateral",
    "as",
    "and",
    "or",
    "then",
    "else",
    "end",
    "when",
)
"""Keywords that may follow a relation in FROM and are no alias of it (`pg_class where`)."""
RELATION_NAMES = (
    re.compile(r"('(?:[^']|'')*'|\$\d+)\s*::\s*(?:pg_catalog\s*\.\s*)?regclass\b", re.IGNORECASE),
    re.compile(
        r"\bCAST\s*\(\s*('(?:[^']|'')*'|\$\d+)\s+AS\s+(?:pg_catalog\s*\.\s*)?regclass\s*\)",
        re.IGNORECASE,
    ),
)
"""A relation's name (a literal or a parameter) cast to regclass: its OID, looked up by
`sql/pg_catalog/regclass_oid.sql` (other casts to reg* types leave the OID as it is)."""
COPY_TO_STDOUT = re.compile(
    r"copy\s*(?:\((?P<query>.*)\)|(?P<table>[\w.\"]+)\s*(?:\((?P<columns>[^)]*)\))?)"
    r"\s*to\s+stdout\b(?P<options>.*)",
    re.IGNORECASE | re.DOTALL,
)
"""COPY TO STDOUT, which psql's \\copy sends: the rows of a query written to the client."""
PG_SYNTAX = (
    # PostgreSQL spellings DuckDB's parser lacks, each rewritten to DuckDB's (clients send them
    # in their catalog queries): schema-qualified operators and collations, json_build_object
    # (variadic, as DuckDB's json_object), information_schema._pg_expandarray (in
    # `sql/pg_catalog/`), and the system and pg_catalog qualifiers, so that names resolve
    # through `sql/pg_catalog/` (the session's temp schema) before DuckDB's own pg_catalog.
    (re.compile(r"\bOPERATOR\s*\(\s*pg_catalog\.([~!<>=*]+)\s*\)", re.IGNORECASE), r"\1"),
    (re.compile(r'\s+COLLATE\s+pg_catalog\."?\w+"?', re.IGNORECASE), ""),
    (re.compile(r"\bjson_build_object\s*\(", re.IGNORECASE), "json_object("),
    (re.compile(r"\binformation_schema\s*\.\s*(?=_pg_expandarray\b)", re.IGNORECASE), ""),
    (re.compile(r'(?<![\w."])"?system"?\s*\.\s*(?="?(?:main|pg_catalog)\b)', re.IGNORECASE), ""),
    (re.compile(r'(?<![\w."])"?main"?\s*\.\s*(?="?\w+"?\s*\()', re.IGNORECASE), ""),
    (re.compile(r'(?<![\w."])"?pg_catalog"?\s*\.\s*(?="?\w)', re.IGNORECASE), ""),
)
STATEMENT_PARTS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|;", re.DOTALL)
COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
EXPLAIN = re.compile(
    r"^\s*explain\s+(?:\([^)]*\)\s*)?(?:analy[sz]e\s+)?(?:verbose\s+)?", re.IGNORECASE
)
MISSING_FUNCTION = re.compile(r"\b(?:Function|Macro) with name \S+ does not exist")
FUNCTION_CALL = re.compile(r'(?:"?\w+"?\.)*"?(\w+)"?\(.*\)', re.DOTALL)


class ReadOnlyRefused(WarehouseError):
    """A client sent a statement that is not a query."""


class NotPermitted(WarehouseError):
    """A client asked for something this endpoint never allows (a DuckDB setting)."""


class StatementFailed(WarehouseError):
    """A statement of a multi-statement string failed: what ran before it, and its error."""

    def __init__(self, done: list[Result], error: Exception) -> None:
        super().__init__(str(error))
        self.done, self.error = done, error


@dataclass
class Result:
    """What one statement gave: columns (None when it returns no rows), rows and its tag."""

    columns: list[tuple[str, str]] | None
    rows: list[tuple] = field(default_factory=list)
    tag: str = "SELECT 0"
    copy: CopyFormat | None = None
    """For COPY ... TO STDOUT: how the rows are written to the client."""


@dataclass(frozen=True)
class CopyFormat:
    """How COPY TO STDOUT writes rows: PostgreSQL's text format (tabs, `\\N`) or CSV."""

    csv: bool = False
    header: bool = False
    delimiter: str = "\t"

    @classmethod
    def parse(cls, options: str) -> CopyFormat:
        """The format of COPY's options: `csv`, `(format csv, header)`, `delimiter ','`..."""
        csv = re.search(r"\bcsv\b", options, re.IGNORECASE) is not None
        header = re.search(r"\bheader\b(?!\s+(?:false|off|0)\b)", options, re.IGNORECASE)
        delimiter = re.search(r"\bdelimiter\s+(?:as\s+)?'(.)'", options, re.IGNORECASE)
        chosen = delimiter.group(1) if delimiter else ("," if csv else "\t")
        return cls(csv, header is not None, chosen)

    def lines(self, columns: list[tuple[str, str]], rows: list[tuple]) -> list[bytes]:
        """Each row as one line of this format (the header first when asked for)."""
        if not self.csv:
            return [(self.delimiter.join(map(_copy_text, row)) + "\n").encode() for row in rows]
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.delimiter, lineterminator="\n")
        lines = []
        for row in ([tuple(name for name, _ in columns)] if self.header else []) + rows:
            writer.writerow(["" if v is None else pgwire.text_value(v) for v in row])
            lines.append(out.getvalue().encode())
            out.seek(0)
            out.truncate()
        return lines


def _copy_text(value: object) -> str:
    """A value in COPY's text format: NULL as \\N, backslash, tab and newlines escaped."""
    if value is None:
        return "\\N"
    text = pgwire.text_value(value)
    for plain, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        text = text.replace(plain, escaped)
    return text


class CopyGeneration:
    """One opened readers' copy (a file, by inode) and how many sessions read it.

    The copy is attached read-only and made the default database; the in-memory database a
    connection starts with is detached, so no database a session reaches can be written (each
    cursor's own `temp` catalog stays, but no statement that would create in it is run).
    """

    def __init__(self, path: Path, memory_limit: str) -> None:
        self.inode = _inode(path)
        spill = Path(tempfile.gettempdir()) / f"pubmed-warehouse-serve-sql-{os.getpid()}"
        self.con = duckdb.connect(
            ":memory:", config={"memory_limit": memory_limit, "temp_directory": str(spill)}
        )
        self.catalog = path.name.split(".")[0] or "readers"
        self.con.execute(f"attach {literal(path)} as {quoted(self.catalog)} (read_only)")
        self.con.execute(f"use {quoted(self.catalog)}")
        self.con.execute("detach memory")
        self.con.create_function("pg_type_oid", pgwire.type_oid, [VARCHAR], INTEGER)
        self.con.create_function("pg_type_format", pgwire.type_name, [INTEGER], VARCHAR)
        self.con.execute("set enable_external_access = false")
        self.con.execute("set lock_configuration = true")
        self.settings = {
            r[0] for r in self.con.sql("select name from duckdb_settings()").fetchall()
        }
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


@functools.cache
def pg_catalog_macros() -> tuple[str, ...]:
    """The statements of `sql/pg_catalog/`: what PostgreSQL clients call and DuckDB lacks.

    `{settings}` stands for the settings the server reports (`PG_SETTINGS`), `{pg_types}` for
    the types it sends (`pgwire.PG_TYPES`), each as a list of SQL values.
    """
    files = sorted((sql_dir() / "pg_catalog").glob("*.sql"))
    values = {
        "{settings}": ", ".join(f"('{name}', '{value}')" for name, value in PG_SETTINGS.items()),
        "{pg_types}": ", ".join(f"({oid}, '{name}')" for oid, (name, _) in pgwire.PG_TYPES.items()),
    }
    statements = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        statements += split_statements(text)
    return tuple(statements)


def _inode(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise WarehouseError(
            f"no readers' copy at {path}: run `pubmed-warehouse load` first"
        ) from exc
    return stat.st_dev, stat.st_ino


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
        """Run SQL (one or more statements); raises `StatementFailed` with what ran before."""
        results: list[Result] = []
        statements = split_statements(sql)
        if not statements:
            return [Result(None, tag="")]
        for statement in statements:
            try:
                results.append(self.run_one(statement, params))
            except (duckdb.Error, ReadOnlyRefused, NotPermitted) as exc:
                raise StatementFailed(results, exc) from exc
        return results

    def run_one(self, sql: str, params: list | None = None) -> Result:
        """Answer or refuse one statement."""
        if self.failed and not _is(sql, "rollback", "abort"):
            raise ReadOnlyRefused("current transaction is aborted, commands ignored until ROLLBACK")
        if not self.in_transaction:
            self._cursor()  # a transaction reads the newest copy from its first statement on
        if answered := self.answer_locally(sql):
            return answered
        if copy := COPY_TO_STDOUT.fullmatch(sql):
            return self.copy_out(copy, params)
        sql = duckdb_spelling(sql)
        refuse_unless_query(sql)
        return self._execute(self._cursor(), sql, params)

    def copy_out(self, copy: re.Match, params: list | None) -> Result:
        """COPY (query) TO STDOUT or COPY table TO STDOUT: the query's rows, for the client."""
        query = copy.group("query") or f"select {copy.group('columns') or '*'} from {copy['table']}"
        result = self.run_one(query, params)
        if result.columns is None:
            raise ReadOnlyRefused("COPY TO STDOUT copies the rows of a query only")
        result.copy = CopyFormat.parse(copy.group("options"))
        result.tag = f"COPY {len(result.rows)}"
        return result

    def answer_locally(self, sql: str) -> Result | None:
        """Transaction control, SET and SHOW, which a read-only copy answers itself."""
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
        if _is(sql, "set", "reset"):
            self._refuse_engine_setting(sql)
            return Result(None, tag=sql.split()[0].upper())
        if _is(sql, "discard", "deallocate"):
            return Result(None, tag=sql.split()[0].upper())
        if _is(sql, "show"):
            name = sql[4:].strip().lower()
            if name in PG_SETTINGS:
                return Result([(name, "VARCHAR")], [(PG_SETTINGS[name],)], "SHOW")
        return None

    def _refuse_engine_setting(self, sql: str) -> None:
        """SET and RESET change nothing here; one naming a DuckDB setting is refused (42501)."""
        words = re.findall(r"[\w.]+", sql.lower())[1:]
        words = [w for w in words if w not in ("session", "local", "global")]
        name = words[0] if words else ""
        if name not in PG_SETTINGS and name in self.generation.settings:
            raise NotPermitted(f'permission denied to set parameter "{name}"')

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """This session's cursor, on the newest copy unless a transaction holds it."""
        if self.generation is None or not self.in_transaction:
            newest = self.copy.acquire()
            if newest is self.generation:
                self.copy.release(newest)
            else:
                self.close()
                self.generation, self.cursor = newest, newest.con.cursor()
                self.cursor.execute(f"use {quoted(newest.catalog)}")
                for macro in pg_catalog_macros():
                    self.cursor.execute(macro)
        return self.cursor

    def _execute(self, cursor: duckdb.DuckDBPyConnection, sql: str, params: list | None) -> Result:
        cursor.execute(sql, params or None)
        if cursor.description is None:
            return Result(None, tag="SELECT 0")
        columns = [(pg_column_name(d[0]), str(d[1])) for d in cursor.description]
        rows = cursor.fetchall()
        return Result(columns, rows, f"SELECT {len(rows)}")

    def describe(self, sql: str, parameters: int) -> list[tuple[str, str]] | None:
        """Columns a prepared query returns (run with NULL parameters and no rows)."""
        sql = duckdb_spelling(sql.strip().rstrip(";"))
        refuse_unless_query(sql)
        wrapped = f"select * from ({sql}) limit 0"
        return self._execute(self._cursor(), wrapped, [None] * parameters).columns

    def close(self) -> None:
        if self.cursor is not None:
            self.cursor.close()
        if self.generation is not None:
            self.copy.release(self.generation)
        self.generation = self.cursor = None


def split_statements(sql: str) -> list[str]:
    """The statements of SQL, in order, split at semicolons outside quotes and comments."""
    statements, start = [], 0
    for match in STATEMENT_PARTS.finditer(sql):
        if match.group() == ";":
            statements.append(sql[start : match.start()])
            start = match.end()
    statements.append(sql[start:])
    return [s.strip() for s in statements if _uncommented(s).strip()]


def _uncommented(sql: str) -> str:
    return COMMENTS.sub(" ", sql)


def refuse_unless_query(sql: str) -> None:
    """Raise `ReadOnlyRefused` unless SQL is one query, or EXPLAIN (ANALYZE) of one."""
    statements = duckdb.extract_statements(sql)
    if len(statements) != 1:
        raise ReadOnlyRefused("one statement at a time")
    kind = statements[0].type
    if kind == duckdb.StatementType.EXPLAIN:
        explained = EXPLAIN.sub("", _uncommented(sql), count=1)
        inner = duckdb.extract_statements(explained) if explained.strip() else []
        kind = inner[0].type if len(inner) == 1 else kind
        if kind != duckdb.StatementType.SELECT:
            raise ReadOnlyRefused(
                f"the readers' copy is read-only: EXPLAIN of {kind.name} refused "
                "(EXPLAIN and EXPLAIN ANALYZE run on queries only)"
            )
    elif kind != duckdb.StatementType.SELECT:
        raise ReadOnlyRefused(
            f"the readers' copy is read-only: {kind.name} refused (only queries run here; "
            "the warehouse changes through `pubmed-warehouse load`)"
        )


def duckdb_spelling(sql: str) -> str:
    """SQL with the PostgreSQL spellings of `PG_SYNTAX` rewritten (quoted text left alone), and
    each relation of `sql/pg_catalog/` (a table macro, so that no catalog lists it) called."""
    for relation_name in RELATION_NAMES:
        sql = relation_name.sub(r"regclass_oid(\1)", sql)
    parts = re.split(r"('(?:[^']|'')*')", sql)
    for pattern, replacement in (*PG_SYNTAX, (pg_catalog_relations(), _called)):
        parts = [p if i % 2 else pattern.sub(replacement, p) for i, p in enumerate(parts)]
    return "".join(parts)


def _called(relation: re.Match) -> str:
    """A pg_catalog relation in a FROM clause as a call of its table macro, under its name
    unless the query gives it an alias."""
    name = relation.group("name")
    return f"{name}()" if relation.group("alias") is not None else f"{name}() as {name}"


@functools.cache
def pg_catalog_relations() -> re.Pattern:
    """A pattern for the name of a relation of `sql/pg_catalog/` used as a table (not `x.col`)."""
    names = [
        match.group(1)
        for statement in pg_catalog_macros()
        if (match := TABLE_MACRO.search(statement))
    ]
    keywords = "|".join(ALIAS_ENDS)
    return re.compile(
        rf'(?<![\w.])"?(?P<name>{"|".join(names)})"?(?![\w.(])'
        rf"(?P<alias>(?=\s+(?:as\s+)?(?!(?:{keywords})\b)[a-z_\"]))?",
        re.IGNORECASE,
    )


def pg_column_name(name: str) -> str:
    """The name PostgreSQL gives a result column: a function call is named after its function."""
    if name == "count_star()":
        return "count"
    call = FUNCTION_CALL.fullmatch(name)
    return call.group(1) if call else name


def _is(sql: str, *keywords: str) -> bool:
    """True when SQL starts with one of KEYWORDS (as whole words)."""
    lowered = sql.lower()
    return any(re.match(rf"{re.escape(k)}\b", lowered) for k in keywords)


def sqlstate(exc: Exception) -> str:
    """The SQLSTATE a PostgreSQL client is told for an error."""
    if isinstance(exc, StatementFailed):
        return sqlstate(exc.error)
    if isinstance(exc, ReadOnlyRefused):
        return "25P02" if "aborted" in str(exc) else "25006"
    if isinstance(exc, NotPermitted | duckdb.PermissionException):
        return "42501"
    if isinstance(exc, duckdb.ParserException):
        return "42601"
    if isinstance(exc, duckdb.CatalogException):
        return "42883" if MISSING_FUNCTION.search(str(exc)) else "42P01"
    if isinstance(exc, duckdb.BinderException):
        return "42703"
    if isinstance(exc, duckdb.ConversionException | duckdb.InvalidInputException):
        return "22000"
    if isinstance(exc, duckdb.IOException):
        return "58030"
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
    tls_cert: Path | None = None
    tls_key: Path | None = None
    require_tls: bool = False
    """Refuse clients that do not ask for TLS (needs `tls_cert` and `tls_key`)."""

    def tls_context(self) -> ssl.SSLContext | None:
        """The server's TLS context, None without a certificate; raises `ConfigError` when the
        certificate and key do not make one."""
        if self.tls_cert is None and self.tls_key is None:
            if self.require_tls:
                raise ConfigError("--require-tls needs --tls-cert and --tls-key")
            return None
        if self.tls_cert is None or self.tls_key is None:
            raise ConfigError("TLS needs both --tls-cert and --tls-key")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            context.load_cert_chain(self.tls_cert, self.tls_key)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"cannot use the TLS certificate {self.tls_cert}: {exc}") from exc
        return context
