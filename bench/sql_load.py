"""Load test of `serve-sql` on loopback: concurrent psycopg clients running dashboard queries.

    uv run python -m bench.sql_load bench/out/readers/w.duckdb --clients 20 --queries 10

Starts `pubmed-warehouse serve-sql` on a free port over the warehouse's readers' copy (publish
one first, e.g. with `bench.readers_copy`), runs `--queries` queries in each of `--clients`
connections at once, prints queries per second and the slowest query, and stops the server.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

PASSWORD = "bench"
QUERIES = (
    ("select pub_year, count(*) from articles where pub_year >= %s group by 1 order by 1", 1990),
    ("select count(distinct pmid) from terms where descriptor_name = %s", "Humans"),
    (
        "select pmid, title, first_author, author_count from article_summary "
        "where pmid between %s and %s + 1000 order by pmid limit 50",
        1_500_000,
    ),
)
"""Dashboard-like queries: a chart over a table, a filter count, a page of a view."""


def start_server(db: Path) -> tuple[subprocess.Popen, int]:
    """serve-sql on a free loopback port; returns the process and the port."""
    env = {**os.environ, "PUBMED_WAREHOUSE_SQL_PASSWORD": PASSWORD}
    command = [Path(sys.executable).parent / "pubmed-warehouse", "serve-sql", "--db", str(db)]
    process = subprocess.Popen(
        [*map(str, command), "--port", "0"], stdout=subprocess.PIPE, text=True, env=env
    )
    line = process.stdout.readline()
    if "127.0.0.1:" not in line:
        process.terminate()
        raise SystemExit(f"serve-sql did not start: {line}")
    return process, int(line.split("127.0.0.1:")[1].split()[0])


def client(port: int, queries: int, number: int) -> list[float]:
    """One connection's query times in seconds."""
    dsn = f"host=127.0.0.1 port={port} user=pubmed password={PASSWORD} dbname=pubmed"
    times = []
    with psycopg.connect(dsn, autocommit=True) as connection:
        for i in range(queries):
            started = time.perf_counter()
            sql, value = QUERIES[(number + i) % len(QUERIES)]
            connection.execute(sql, (value,) * sql.count("%s")).fetchall()
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--queries", type=int, default=5)
    args = parser.parse_args()
    process, port = start_server(args.db)
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            runs = pool.map(lambda n: client(port, args.queries, n), range(args.clients))
            times = [t for run in runs for t in run]
        elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=60)
    print(
        f"{args.clients} clients x {args.queries} queries: {len(times)} in {elapsed:.2f} s, "
        f"{len(times) / elapsed:.1f} queries/s; median {statistics.median(times) * 1000:.0f} ms, "
        f"slowest {max(times) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
