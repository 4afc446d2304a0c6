"""One DuckDB transaction on the writer's connection: begin, commit or roll back, re-raise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from warehouse.loading.memory import rollback_quietly


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, *, commit: bool = True) -> Iterator[None]:
    """Begin a transaction; commit it when the block ends, roll it back on any exception
    (Ctrl-C included) and re-raise.

    With `commit=False` the transaction stays open after the block for the caller to commit
    (a file's ledger row is written in it, `warehouse.loading.load`). The rollback is quiet: a
    failed commit has already ended the transaction, and the error raised is the one that ended it.
    """
    con.begin()
    try:
        yield
        if commit:
            con.commit()
    except BaseException:
        rollback_quietly(con)
        raise
