"""Read-only summaries of the warehouse for `status` and `rejects`."""

from __future__ import annotations

import duckdb

from warehouse.formats.records import RECORD_TABLES, STORED_AS
from warehouse.ledger import half_applied_files, half_applied_message, ledger_counts
from warehouse.loading.aggregates import pending_note

LEDGER_TABLES = ("rejects", "ingested_files", "changes", "deletions")


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per table, record tables first (counted where their rows are kept), then the
    ledger tables."""
    return {
        table: con.execute(f'select count(*) from "{STORED_AS.get(table, table)}"').fetchone()[0]
        for table in (*RECORD_TABLES, *LEDGER_TABLES)
    }


def file_summary(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Files ingested, files rejected whole, records rejected in loaded files, the last run's
    time and flow run, and the newest NLM file by the name NLM gives it."""
    row = ledger_counts(con)
    mesh = con.execute(
        "select string_agg(kind || ' ' || coalesce(mesh_year::varchar, '?'), ', ' order by kind) "
        "from mesh_vocabularies"
    ).fetchone()[0]
    half_applied = half_applied_files(con)
    pending = pending_note(con)
    return {
        "files loaded": row[0],
        "files half applied": half_applied_message(half_applied) if half_applied else "none",
        "aggregates pending": pending or "none",
        "files rejected whole": row[1],
        "records rejected (in loaded files)": row[2],
        "last run": row[3],
        "last flow run": row[4],
        "newest NLM file": row[5],
        "MeSH loaded": mesh or "none",
    }


def rejects(con: duckdb.DuckDBPyConnection, limit: int) -> tuple[list[str], list[tuple]]:
    """The newest rejects: file, position, format, PMID, reason."""
    result = con.execute(
        """
        select source_file, position, format, pmid, reason, rejected_at
        from rejects order by rejected_at desc, source_file, position limit ?
        """,
        [limit],
    )
    return [d[0] for d in result.description], result.fetchall()
