"""Whole-warehouse states to compare: every table's rows, sorted, without run-time columns."""

from __future__ import annotations

import duckdb

from warehouse.loading.aggregates import OVERLAID, stored_tables
from warehouse.schema import quoted

RUN_COLUMNS = {"flow_run_id"}
"""Columns that differ between two identical loads (besides timestamps)."""


def warehouse_state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every table's rows, sorted; timestamp and flow-run columns left out. An overlaid
    aggregate is read as readers read it, through its view: how its rows are split between its
    settled and its recent table depends on how the files were batched and when it was last
    folded, not on what was loaded. Only the database in use is read (a writer's connection
    also holds its temp tables and, while publishing, the readers' copy)."""
    stored = {name for table in OVERLAID for name in stored_tables(table)}
    database = quoted(con.execute("select current_database()").fetchone()[0])
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'main' order by 1"
        ).fetchall()
        if r[0] not in stored
    ]
    tables += [
        r[0]
        for r in con.execute(
            "select view_name from duckdb_views() where database_name = current_database() "
            "and schema_name = 'main' "
            "and list_contains($overlaid, view_name) order by 1",
            {"overlaid": sorted(OVERLAID)},
        ).fetchall()
    ]
    state = {}
    for table in tables:
        columns = [
            f'"{name}"'
            for name, dtype in con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where database_name = current_database() and table_name = ? "
                "and schema_name = 'main' order by column_index",
                [table],
            ).fetchall()
            if not dtype.startswith("TIMESTAMP") and name not in RUN_COLUMNS
        ]
        state[table] = con.execute(
            f'select {", ".join(columns)} from {database}.main."{table}" order by all'
        ).fetchall()
    return state


def read_state(path) -> dict[str, list[tuple]]:
    """The state of a warehouse file (opened read-write, so that a leftover WAL is replayed)."""
    from warehouse.db import connect

    con = connect(path)
    try:
        return warehouse_state(con)
    finally:
        con.close()
