"""A BI reader in its own process: open the published readers' copy, time each view.

`python -m bench.growth_reader DATABASE DESCRIPTOR [LIMIT [TREE_NUMBER ACTION_UI]]` opens
DATABASE read-only with DuckDB's default settings (as a BI tool would), runs a full scan of each
analyst view that forces every column (`count(*)` and a hash of each column) and the aggregates
a dashboard reads for one descriptor, and prints one JSON line: seconds per query and the
process's peak RSS. With TREE_NUMBER and ACTION_UI it instead scans each MeSH roll-up and
citation view and runs the example queries that use them (`sql/examples/`, their parameter
set), as `mesh_seconds`; a separate process, so that the analyst views' peak RSS stays
their own. Both give the rows each query returns (`rows`; a scan's: the view's rows).
A query still running after LIMIT seconds (default 120) is interrupted and reported as Infinity.
`BENCH_READER_MEMORY` (e.g. `400MB`), when set, is the reader's DuckDB memory_limit.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import duckdb

from warehouse.readers.query import fill_params

EXAMPLES = Path(__file__).resolve().parent.parent / "sql" / "examples"

VIEWS = (
    "article_descriptors",
    "article_summary",
    "author_summary",
    "term_by_year",
    "term_cooccurrence",
    "substance_by_term",
)
"""The analyst views of the README; each one found in the database is scanned."""
DASHBOARD = {
    "term_by_year, one descriptor": (
        "select pub_year, article_count, major_article_count from term_by_year "
        "where descriptor_name = $descriptor order by pub_year"
    ),
    "term_cooccurrence, one descriptor": (
        "select co_descriptor_name, article_count from term_cooccurrence "
        "where descriptor_name = $descriptor order by article_count desc limit 20"
    ),
    "substance_by_term, one descriptor": (
        "select substance_name, sum(article_count) as articles from substance_by_term "
        "where descriptor_name = $descriptor group by all order by articles desc limit 20"
    ),
    "author_summary, top 20 authors": (
        "select author_key, article_count from author_summary order by article_count desc limit 20"
    ),
    "article_summary, counts by year": (
        "select pub_year, count(*), sum(author_count), sum(descriptor_count), "
        "sum(reference_count) from article_summary group by all"
    ),
}


MESH_VIEWS = (
    "article_mesh_headings",
    "mesh_ancestors",
    "mesh_node_by_year",
    "mesh_descriptor_rollup_by_year",
    "mesh_pharmacological_action_by_year",
    "citation_graph",
    "citation_summary",
    "citations_by_year",
    "correction_notices",
    "retracted_articles",
    "retracted_citations",
)
"""The MeSH roll-up and citation views, scanned whole when a vocabulary is loaded."""
MESH_EXAMPLES = {
    "mesh_subtree_by_year": "tree_number",
    "articles_about_action": "action_ui",
    "most_cited_in_subtree": "tree_number",
    "citing_retracted_work": None,
}
"""Example query -> the parameter the reader sets (`readers.query.fill_params`), if any."""


def example_sql(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, str]) -> str:
    """An example query with its parameter set to the value in `params`."""
    sql = (EXAMPLES / f"{name}.sql").read_text(encoding="utf-8")
    key = MESH_EXAMPLES[name]
    return sql if key is None else fill_params(con, sql, {key: params[key]})


def full_scan(name: str) -> str:
    """A query reading every row and every column of a view."""
    return f'select count(*), bit_xor(hash(columns(*))) from "{name}"'


def own_peak_rss_mib() -> float:
    """This process's own peak RSS (`VmHWM`): `ru_maxrss` would include the forking parent's."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def timed(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict, limit: float
) -> tuple[float, int | None]:
    """Seconds a query takes to its last row (infinity when interrupted after `limit`) and its
    rows (a full scan's: the count it reads)."""
    timer = threading.Timer(limit, con.interrupt)
    timer.start()
    started = time.perf_counter()
    try:
        found = con.execute(sql, params if "$" in sql else None).fetchall()
    except duckdb.InterruptException:
        return float("inf"), None
    finally:
        timer.cancel()
    rows = found[0][0] if sql.startswith("select count(*), bit_xor") else len(found)
    return time.perf_counter() - started, rows


def mesh_queries(
    con: duckdb.DuckDBPyConnection, present: set[str], mesh: dict[str, str]
) -> dict[str, str]:
    """Label -> SQL of the MeSH and citation scans and examples the database can answer."""
    queries = {f"scan {v}": full_scan(v) for v in MESH_VIEWS if v in present}
    if "mesh_node_by_year" in present:
        for name, key in MESH_EXAMPLES.items():
            label = f"{name} ({mesh[key]})" if key else name
            queries[label] = example_sql(con, name, mesh)
    return queries


def measure(
    database: str, descriptor: str, limit: float = 120.0, mesh: dict[str, str] | None = None
) -> dict:
    """Seconds per query (full scans as `scan NAME`): the analyst views', or with `mesh` the
    MeSH and citation queries' (as `mesh_seconds`); rows per query; the peak RSS in MiB."""
    memory = os.environ.get("BENCH_READER_MEMORY")
    config = {"memory_limit": memory} if memory else {}
    con = duckdb.connect(database, read_only=True, config=config)
    seconds, mesh_seconds, rows = {}, {}, {}
    try:
        present = {
            row[0]
            for row in con.execute("select table_name from information_schema.tables").fetchall()
        }
        params = {"descriptor": descriptor}
        if mesh is None:
            queries = {f"scan {v}": full_scan(v) for v in VIEWS if v in present}
            queries |= {k: sql for k, sql in DASHBOARD.items() if k.split(",")[0] in present}
            for label, sql in queries.items():
                seconds[label], rows[label] = timed(con, sql, params, limit)
        else:
            for label, sql in mesh_queries(con, present, mesh).items():
                mesh_seconds[label], rows[label] = timed(con, sql, params, limit)
    finally:
        con.close()
    peak = own_peak_rss_mib()
    return {"seconds": seconds, "mesh_seconds": mesh_seconds, "rows": rows, "peak_rss_mib": peak}


if __name__ == "__main__":
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0
    mesh = {"tree_number": sys.argv[4], "action_ui": sys.argv[5]} if len(sys.argv) > 5 else None
    sys.stdout.write(json.dumps(measure(sys.argv[1], sys.argv[2], limit, mesh)) + "\n")
