"""Ad-hoc SQL for `pubmed-warehouse query`: statements run one by one, results streamed in batches.

A result is read as Arrow record batches (`BATCH_ROWS` rows each), so memory stays flat however
many rows it has. `--param name=value` fills the `params` CTE at the top of the example files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from warehouse.errors import ConfigError

BATCH_ROWS = 10_000
QUIET_STATEMENTS = {"SET", "VARIABLE_SET", "CREATE", "DROP", "TRANSACTION", "ALTER", "LOAD"}
"""Statement types whose only result is a success flag or a count: not printed."""
PARAMS_CTE = re.compile(r"\bparams\s+as\s*\(", re.IGNORECASE)


@dataclass
class StatementResult:
    """One statement's result: its SQL, column names and a stream of record batches."""

    sql: str
    schema: pa.Schema
    batches: Iterator[pa.RecordBatch]


def run_statements(con: duckdb.DuckDBPyConnection, text: str) -> Iterator[StatementResult]:
    """Run each statement of TEXT in order, yielding the result of those that return rows."""
    statements = con.extract_statements(text)
    if not statements:
        raise ConfigError("no SQL statement given")
    con.execute("set enable_progress_bar = false")
    for statement in statements:
        relation = con.sql(statement.query)  # a query stays lazy; other statements run here
        if relation is None or statement.type.name in QUIET_STATEMENTS:
            continue
        reader = relation.to_arrow_reader(BATCH_ROWS)
        yield StatementResult(statement.query.strip(), reader.schema, iter(reader))


def parse_params(pairs: list[str]) -> dict[str, str]:
    """`name=value` pairs from the command line as a dict."""
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip().isidentifier():
            raise ConfigError(f"--param takes name=value, not {pair!r}")
        params[name.strip()] = value
    return params


def fill_params(con: duckdb.DuckDBPyConnection, text: str, params: dict[str, str]) -> str:
    """TEXT with the `params` CTE's columns named in PARAMS set to the given values.

    Each value is cast to the type the CTE gives that column; the others keep their values.
    """
    if not params:
        return text
    start, end = _params_body(text)
    body = text[start:end]
    described = con.execute(f"select * from ({body}) limit 0").description
    columns = {d[0]: str(d[1]) for d in described}
    unknown = sorted(set(params) - set(columns))
    if unknown:
        raise ConfigError(
            f"no parameter {', '.join(unknown)} in the params CTE; it has {', '.join(columns)}"
        )
    replaced = ", ".join(
        f"cast({_literal(value)} as {columns[name]}) as {name}" for name, value in params.items()
    )
    return f"{text[:start]}select * replace ({replaced}) from ({body}){text[end:]}"


def _params_body(text: str) -> tuple[int, int]:
    """Start and end offsets of the `params as ( ... )` CTE's body in TEXT."""
    match = PARAMS_CTE.search(text)
    if match is None:
        raise ConfigError("--param needs SQL with a `params as (select ... as name)` CTE")
    depth, quote = 1, None
    for offset in range(match.end(), len(text)):
        char = text[offset]
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return match.end(), offset
    raise ConfigError("the params CTE is not closed")


def _literal(value: str) -> str:
    """VALUE as an SQL string literal."""
    return "'" + value.replace("'", "''") + "'"
