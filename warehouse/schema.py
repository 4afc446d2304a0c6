"""The warehouse schema, read from the `.sql` files: one source of truth for names and types."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

PACKAGE_DIR = Path(__file__).resolve().parent


def sql_dir() -> Path:
    """The `sql/` folder: inside the installed package, else beside it in a source checkout."""
    for candidate in (PACKAGE_DIR / "sql", PACKAGE_DIR.parent / "sql"):
        if (candidate / "tables").is_dir():
            return candidate
    raise FileNotFoundError("the sql/ folder of pubmed-warehouse is missing from the install")


def table_files() -> list[Path]:
    return sorted((sql_dir() / "tables").glob("*.sql"))


def view_files() -> list[Path]:
    """View definitions, in name order (a view may only use views that sort before it)."""
    folder = sql_dir() / "views"
    return sorted(folder.glob("*.sql")) if folder.is_dir() else []


def quoted(identifier: str) -> str:
    """IDENTIFIER as a quoted SQL identifier (a database named after a file such as
    `my-data.duckdb` is `my-data`)."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str | Path) -> str:
    """TEXT (a path, a comment, a parameter) as an SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def read_sql(name: str) -> str:
    """Text of a `.sql` file, by path relative to `sql/`."""
    return (sql_dir() / name).read_text(encoding="utf-8")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table (if missing) and (re)create every view, with their comments, unless
    the warehouse already has this schema (`schema_current`); then record it in the view
    `schema_version`. All in one transaction."""
    if schema_current(con):
        return
    con.execute("begin")
    try:
        for text in _schema_texts():
            con.execute(text)
        con.execute(read_sql("load/schema_version.sql").format(digest=schema_digest()))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def schema_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection's database last ran this version's schema files (the digest in
    its view `schema_version`) and still has every table and view they declare."""
    present = main_tables(con) | {
        row[0]
        for row in con.execute(
            "select view_name from duckdb_views() where database_name = current_database() "
            "and schema_name = 'main' and not internal"
        ).fetchall()
    }
    if "schema_version" not in present or not present >= declared_objects():
        return False
    return con.execute("select sql_digest from schema_version").fetchall() == [(schema_digest(),)]


def schema_digest() -> str:
    """BLAKE2b of every `sql/tables` and `sql/views` file's text, in the order they run."""
    digest = hashlib.blake2b(digest_size=16)
    for text in _schema_texts():
        digest.update(text.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def declared_objects() -> set[str]:
    """Names of the tables and views the `.sql` files declare (each file is named after the
    one object it creates)."""
    return {path.stem for path in (*table_files(), *view_files())}


@cache
def _schema_texts() -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8") for path in (*table_files(), *view_files()))


def main_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables in the connection's own database (not an attached one)."""
    return {
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() "
            "where database_name = current_database() and schema_name = 'main'"
        ).fetchall()
    }


def columns_of(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Column names of a table of the connection's database, in order."""
    return [d[0] for d in con.execute(f'select * from "{table}" limit 0').description]


def table_schemas() -> dict[str, pl.Schema]:
    """Polars schema of every table and view, in column order, as DuckDB creates it."""
    return _declared_tables()[0]


def required_columns() -> dict[str, tuple[str, ...]]:
    """The columns each table declares `not null`."""
    return _declared_tables()[1]


@cache
def _declared_tables() -> tuple[dict[str, pl.Schema], dict[str, tuple[str, ...]]]:
    """Every table of `sql/tables/` and view of `sql/views/` as DuckDB creates it: polars
    schemas; `not null` columns (tables only)."""
    con = duckdb.connect(":memory:")
    try:
        for text in _schema_texts():  # the objects only: their comments are not needed here
            for statement in duckdb.extract_statements(text):
                if statement.type == duckdb.StatementType.CREATE:
                    con.execute(statement)
        names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        views = con.execute("select view_name from duckdb_views() where not internal")
        names += [r[0] for r in views.fetchall()]
        schemas = {
            name: pl.from_arrow(con.sql(f'select * from "{name}" limit 0').to_arrow_table()).schema
            for name in names
        }
        required = {name: [] for name in names}
        for table, column in con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where not is_nullable order by table_name, column_index"
        ).fetchall():
            required[table].append(column)
        return schemas, {name: tuple(columns) for name, columns in required.items()}
    finally:
        con.close()


def create_empty_like(
    con: duckdb.DuckDBPyConnection,
    table: str,
    new: str,
    *,
    database: str | None = None,
    into: str | None = None,
) -> None:
    """Create table NEW in database INTO, empty, as TABLE of DATABASE is declared (types,
    `not null`, compression), with its comments; both databases default to the connection's."""
    current = con.execute("select current_database()").fetchone()[0]
    database, into = database or current, into or current
    ddl, comment = con.execute(
        "select sql, comment from duckdb_tables() "
        "where database_name = ? and schema_name = 'main' and table_name = ?",
        [database, table],
    ).fetchone()
    for head in (f"CREATE TABLE {table}(", f"CREATE TABLE {quoted(table)}("):
        if ddl.startswith(head):
            break
    else:
        raise ValueError(f"unexpected declaration of table {table}: {ddl[:80]}")
    target = f"{quoted(into)}.main.{quoted(new)}"
    con.execute(f"CREATE TABLE {target}(" + ddl[len(head) :])
    if comment is not None:
        con.execute(f"comment on table {target} is {literal(comment)}")
    for column, text in con.execute(
        "select column_name, comment from duckdb_columns() where database_name = ? and "
        "schema_name = 'main' and table_name = ? and comment is not null",
        [database, table],
    ).fetchall():
        con.execute(f"comment on column {target}.{quoted(column)} is {literal(text)}")
