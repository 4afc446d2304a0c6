"""Per-article fingerprints of the child rows (`record_fingerprints`), kept beside the rows.

A file replacing an article rewrites its rows only in the tables where they differ. Which ones
differ is found by comparing, per table, the count and fingerprint (the sum of the row hashes,
modulo 2^64) of the staged rows with those kept for the loaded rows, so the replaced rows
themselves are never read: the old rows of 30,000 replacements spread over the PMID range cost
more to read than the whole rest of the apply.

A fingerprint kept must equal the one its rows give: one that wrongly matches would leave a
revised record's old rows in place. So every path that writes child rows keeps them true:
`apply._move_rows` writes the staged file's with its rows (`record_fingerprints` is moved like
a table, `changed_record_fingerprints` naming the PMIDs whose row differs), `remove_rows`
deletes them with their PMID, and the rows a file's UIs fill in later (`pending_uis`) have
theirs computed again from the tables (`refresh`). A replaced PMID without a kept row (rows
copied in by other means) has its fingerprints computed from its rows; a warehouse made before
the table existed builds it once (`build`), and the check `record_fingerprints_match_rows`
recomputes them all from the rows.
"""

from __future__ import annotations

import duckdb

from warehouse.formats.records import STORED_RECORD_TABLES
from warehouse.schema import read_sql

FINGERPRINTED = {
    **{table: f"stage_{table}" for table in STORED_RECORD_TABLES[1:]},
    "citation_keys": "(select pmid, citation_hash from staged_citations)",
}
"""Tables whose rows of a replaced PMID are replaced only when they differ, and their staged
rows: the tables `record_fingerprints` keeps a count and fingerprint of, per PMID."""

TABLE = "record_fingerprints"
STAGED = "staged_fingerprints"
"""Temp table of the fingerprints of the staged rows of the PMIDs a file (or chunk) inserts."""
TEMP_TABLES = (STAGED, "loaded_fingerprints", "unfingerprinted_pmids", "refingerprinted_pmids")
"""Temporary tables made here, dropped with the apply's."""
BUILD_BATCH = 50_000
"""Articles whose fingerprints `build` computes in one statement."""


def fingerprints_sql(pmids: str, *, staged: bool) -> str:
    """A select of the `record_fingerprints` rows of the PMIDs in `pmids` (a table or subquery
    with a `pmid` column), from the staged file's rows or from the loaded ones."""
    template = read_sql("load/table_fingerprints.sql")
    per_table = ",\n\n".join(
        f"{table}_fingerprints as (\n"
        + template.format(table=table, rows=rows if staged else f'"{table}"', pmids=pmids)
        + ")"
        for table, rows in FINGERPRINTED.items()
    )
    columns = ",\n".join(
        f"        coalesce({table}_rows, 0) as {table}_rows,\n"
        f"        coalesce({table}_fingerprint, 0) as {table}_fingerprint"
        for table in FINGERPRINTED
    )
    joins = "\n".join(f"    left join {table}_fingerprints using (pmid)" for table in FINGERPRINTED)
    return read_sql("load/record_fingerprints.sql").format(
        per_table=per_table, columns=columns, joins=joins, pmids=pmids
    )


def find_changed(con: duckdb.DuckDBPyConnection) -> None:
    """Per fingerprinted table, the replaced PMIDs whose rows differ (`changed_<table>`), and
    those whose `record_fingerprints` row must be written again (`changed_record_fingerprints`).

    Needs `pmids_inserted`, `pmids_replaced` and the staged rows; leaves `staged_fingerprints`
    (the rows to write for `pmids_new` and `changed_record_fingerprints`).
    """
    staged = fingerprints_sql("pmids_inserted", staged=True)
    con.execute(f"create or replace temp table {STAGED} as {staged}")
    con.execute(
        "create or replace temp table loaded_fingerprints as select f.* from record_fingerprints"
        " as f where f.pmid in (select pmid from pmids_replaced)"
    )
    con.execute(
        "create or replace temp table unfingerprinted_pmids as select pmid from pmids_replaced"
        " where pmid not in (select pmid from loaded_fingerprints)"
    )
    if con.execute("select count(*) from unfingerprinted_pmids").fetchone()[0]:
        loaded = fingerprints_sql("unfingerprinted_pmids", staged=False)
        con.execute(f"insert into loaded_fingerprints by name {loaded}")
    template = read_sql("load/changed_rows.sql")
    for table in FINGERPRINTED:
        con.execute(template.format(table=table))
    changed = " union ".join(f"select pmid from changed_{table}" for table in FINGERPRINTED)
    con.execute(
        f"create or replace temp table changed_{TABLE} as"
        f" {changed} union select pmid from unfingerprinted_pmids"
    )


def refresh(con: duckdb.DuckDBPyConnection, pmids: str) -> None:
    """Compute again from the loaded rows the `record_fingerprints` rows of the PMIDs in
    `pmids` (a temp table with a `pmid` column), after their rows changed in place."""
    if not con.execute(f"select count(*) from {pmids}").fetchone()[0]:
        return
    loaded = fingerprints_sql(pmids, staged=False)
    con.execute(f"create or replace temp table refreshed_fingerprints as {loaded}")
    con.execute(f"delete from {TABLE} where pmid in (select pmid from {pmids})")
    con.execute(f"insert into {TABLE} by name select * from refreshed_fingerprints")
    con.execute("drop table refreshed_fingerprints")


def build(con: duckdb.DuckDBPyConnection, batch: int = BUILD_BATCH) -> None:
    """Fill `record_fingerprints` from the loaded rows, one row per article (a warehouse made
    before it existed, or whose table was emptied).

    Articles go in PMID order, `batch` at a time: each batch reads the row groups of its PMID
    range alone (zonemaps), and its aggregation stays within the load's memory limit.
    """
    con.execute(f"delete from {TABLE}")
    starts = con.execute(
        "select pmid from (select pmid, row_number() over (order by pmid) as n from articles)"
        " where (n - 1) % $batch = 0 order by pmid",
        {"batch": batch},
    ).fetchall()
    bounds = [s[0] for s in starts]
    for i, low in enumerate(bounds):
        upper = f" and pmid < {bounds[i + 1]}" if i + 1 < len(bounds) else ""
        con.execute(
            "create or replace temp table build_fingerprint_pmids as"
            f" select pmid from articles where pmid >= {low}{upper}"
        )
        loaded = fingerprints_sql("build_fingerprint_pmids", staged=False)
        con.execute(f"insert into {TABLE} by name {loaded}")
    con.execute("drop table if exists build_fingerprint_pmids")


def needs_build(con: duckdb.DuckDBPyConnection) -> bool:
    """True when articles are loaded but `record_fingerprints` holds none: a table dropped (and
    made again empty by the schema) after it was built."""
    empty = not con.execute(f"select 1 from {TABLE} limit 1").fetchone()
    return empty and bool(con.execute("select 1 from articles limit 1").fetchone())
