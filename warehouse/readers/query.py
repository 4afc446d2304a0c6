"""Ad-hoc SQL for `pubmed-warehouse query`: statements run one by one, results streamed in batches.

A result is read as Arrow record batches (`BATCH_ROWS` rows each), so memory stays flat however
many rows it has. `--param name=value` fills the `params` CTE at the top of the example files,
or a `set variable name = value;` statement (examples whose filter DuckDB should push into a view
take their parameter as a variable: a joined CTE is not pushed down).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from warehouse.errors import ConfigError
from warehouse.schema import literal

BATCH_ROWS = 10_000
QUIET_STATEMENTS = {"SET", "VARIABLE_SET", "CREATE", "DROP", "TRANSACTION", "ALTER", "LOAD"}
"""Statement types whose only result is a success flag or a count: not printed."""
PARAMS_CTE = re.compile(r"\bparams\s+as\s*\(", re.IGNORECASE)
SET_VARIABLE = re.compile(r"^(\s*set\s+variable\s+(\w+)\s*=\s*)([^;]*?)(\s*;)", re.I | re.M)


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


def result_statements(con: duckdb.DuckDBPyConnection, text: str) -> int:
    """How many statements of TEXT print a result (known from the SQL, before any runs)."""
    return sum(s.type.name not in QUIET_STATEMENTS for s in con.extract_statements(text))


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
    """TEXT with the parameters named in PARAMS set to the given values: columns of its
    `params` CTE and `set variable` statements.

    Each value is cast to the type the SQL gives that parameter; the others keep their values.
    """
    if not params:
        return text
    variables = {m.group(2): m for m in SET_VARIABLE.finditer(text)}
    columns = _cte_columns(con, text) if PARAMS_CTE.search(text) else {}
    if not variables and not columns:
        raise ConfigError(
            "--param needs SQL with a `params as (select ... as name)` CTE "
            "or `set variable name = ...;` statements"
        )
    unknown = sorted(set(params) - set(columns) - set(variables))
    if unknown:
        raise ConfigError(
            f"no parameter {', '.join(unknown)} in the SQL; it has "
            f"{', '.join([*columns, *variables])}"
        )
    for name in sorted(set(params) & set(variables), key=lambda n: -variables[n].start()):
        match = variables[name]
        kind = con.execute(f"select typeof({match.group(3)})").fetchone()[0]
        value = f"cast({literal(params[name])} as {kind})"
        text = text[: match.start(3)] + value + text[match.end(3) :]
    cte = {name: value for name, value in params.items() if name in columns}
    if not cte:
        return text
    start, end = _params_body(text)
    replaced = ", ".join(
        f"cast({literal(value)} as {columns[name]}) as {name}" for name, value in cte.items()
    )
    return f"{text[:start]}select * replace ({replaced}) from ({text[start:end]}){text[end:]}"


def _cte_columns(con: duckdb.DuckDBPyConnection, text: str) -> dict[str, str]:
    """The `params` CTE's columns and their types."""
    start, end = _params_body(text)
    described = con.execute(f"select * from ({text[start:end]}) limit 0").description
    return {d[0]: str(d[1]) for d in described}


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
