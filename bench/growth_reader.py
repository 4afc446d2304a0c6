"""A BI reader in its own process: open the published readers' copy, time each view.

`python -m bench.growth_reader DATABASE DESCRIPTOR [LIMIT]` opens DATABASE read-only with
DuckDB's default settings (as a BI tool would), runs a full scan of each analyst view that
forces every column (`count(*)` and a hash of each column) and the aggregates a dashboard reads
for one descriptor, and prints one JSON line: seconds per query and the process's peak RSS. A
query still running after LIMIT seconds (default 120) is interrupted and reported as Infinity.
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time

import duckdb

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


def full_scan(name: str) -> str:
    """A query reading every row and every column of a view."""
    return f'select count(*), bit_xor(hash(columns(*))) from "{name}"'


def timed(con: duckdb.DuckDBPyConnection, sql: str, params: dict, limit: float) -> float:
    """Seconds a query takes to its last row; infinity when interrupted after `limit`."""
    timer = threading.Timer(limit, con.interrupt)
    timer.start()
    started = time.perf_counter()
    try:
        con.execute(sql, params if "$" in sql else None).fetchall()
    except duckdb.InterruptException:
        return float("inf")
    finally:
        timer.cancel()
    return time.perf_counter() - started


def measure(database: str, descriptor: str, limit: float = 120.0) -> dict:
    """Seconds per query (full scans as `scan NAME`), then the peak RSS in MiB."""
    con = duckdb.connect(database, read_only=True)
    try:
        present = {
            row[0]
            for row in con.execute("select table_name from information_schema.tables").fetchall()
        }
        params = {"descriptor": descriptor}
        seconds = {
            f"scan {v}": timed(con, full_scan(v), params, limit) for v in VIEWS if v in present
        }
        for label, sql in DASHBOARD.items():
            if label.split(",")[0] in present:
                seconds[label] = timed(con, sql, params, limit)
    finally:
        con.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_rss_mib": peak}


if __name__ == "__main__":
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0
    sys.stdout.write(json.dumps(measure(sys.argv[1], sys.argv[2], limit)) + "\n")
