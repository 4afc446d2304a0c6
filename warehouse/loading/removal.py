"""Remove PMIDs from every table and log it: the one way a DeleteCitation, a surrogate merged
into its real article, a yearly rollover and a replaced record leave the warehouse.

Callers put the PMIDs in a temporary table with a `pmid` column. The deletes are semi joins on
`pmid`: DuckDB skips the row groups outside the PMIDs' range (zonemaps) and checks the rest of
the `pmid` column against a filter built from the PMIDs, so a file's removals read that one
column, never whole tables. Removing an article (or replacing it: the loader deletes and inserts
its `articles` row) also removes its key from the primary-key index of `articles`, which DuckDB
then holds in memory for the part of the PMID range touched (see
`warehouse.loading.apply.check_removal_memory`).
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from warehouse.formats.records import STORED_RECORD_TABLES
from warehouse.ledger import Action

DERIVED_TABLES = ("pending_uis", "citation_keys", "record_fingerprints")
"""Tables the loader keeps per PMID beside the record tables."""
PMID_TABLES = (*STORED_RECORD_TABLES, *DERIVED_TABLES)


def remove_rows(
    con: duckdb.DuckDBPyConnection, pmids: str, tables: tuple[str, ...] = PMID_TABLES
) -> None:
    """Delete the rows of the PMIDs in `pmids` (a temp table or a subquery with a `pmid` column)
    from every record and derived table, or from `tables`."""
    if con.execute(f"select count(*) from {pmids}").fetchone()[0] == 0:
        return
    for table in tables:
        con.execute(f'delete from "{table}" where pmid in (select pmid from {pmids})')


def remove_pmids(
    con: duckdb.DuckDBPyConnection,
    pmids: str,
    source: str,
    at: datetime,
    *,
    reason: str | None = None,
    file_order_key: str | None = None,
) -> int:
    """Remove the PMIDs in temp table `pmids` and log a `delete` per PMID in `changes`.

    With a `reason` each is also recorded in `deletions` (DeleteCitation, rollover); a merged
    surrogate has none. Returns how many PMIDs were removed.
    """
    remove_rows(con, pmids)
    log_deletes(con, pmids, source, at, reason=reason, file_order_key=file_order_key)
    return con.execute(f"select count(*) from {pmids}").fetchone()[0]


def log_deletes(
    con: duckdb.DuckDBPyConnection,
    pmids: str,
    source: str,
    at: datetime,
    *,
    reason: str | None = None,
    file_order_key: str | None = None,
) -> None:
    """Record the PMIDs in temp table `pmids` as deleted in `changes` (and `deletions`)."""
    if reason is not None:
        con.execute(
            "insert into deletions by name select pmid, ? as source_file, ? as file_order_key,"
            f" ? as reason, ? as deleted_at from {pmids}",
            [source, file_order_key, reason, at],
        )
    con.execute(
        "insert into changes by name select pmid, ? as source_file, ? as action,"
        f" ? as changed_at from {pmids}",
        [source, Action.DELETE, at],
    )
