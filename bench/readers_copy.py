"""Publishing the readers' copy against a full file copy, on a warehouse of `--records` records.

    uv run python -m bench.readers_copy --records 1000000

The warehouse is one baseline-sized bench file (`bench.run.bench_file`) loaded for real, then
grown to `--records` by copying its rows (every table, ledgers included) with shifted PMIDs in
SQL. An update file of 30,000 replacements spread over the whole PMID range (the bench file's
records, PMIDs remapped, titles revised) is then applied and published. Prints wall and CPU
seconds of each step and the ratios.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from bench.run import OUT, RECORDS, bench_file
from warehouse.db import connect
from warehouse.formats.records import STORED_RECORD_TABLES
from warehouse.loading.load import load_file
from warehouse.readers.snapshot import publish_readers_copy

FIRST_PMID = 1_000_001
PMID = re.compile(rb'(<PMID Version="\d+">|<ArticleId IdType="pubmed">)(\d+)<')


def timed(label: str, step: Callable[[], object]) -> tuple[float, float]:
    """Run STEP; print and return its wall and CPU seconds (CPU of every thread here)."""
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = step()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    detail = getattr(outcome, "method", "")
    print(f"{label:<52} {wall:8.2f} s wall {cpu:8.2f} s CPU  {detail}", flush=True)
    return wall, cpu


def grow(con: duckdb.DuckDBPyConnection, copies: int) -> None:
    """Copy the first file's rows COPIES - 1 times with shifted PMIDs (ledgers included)."""
    last = FIRST_PMID + RECORDS - 1
    for table in (*STORED_RECORD_TABLES, "changes"):
        con.execute(
            f"""
            insert into "{table}"
            select t.* replace (t.pmid + shift.k * {RECORDS} as pmid)
            from "{table}" as t, range(1, {copies}) as shift(k)
            where t.pmid between {FIRST_PMID} and {last}
            """
        )
    con.execute("checkpoint")


def update_file(copies: int) -> Path:
    """The bench file's records as replacements of PMIDs spread over the grown range."""
    path = OUT / f"pubmed26n9001-spread{copies}.xml.gz"
    if path.exists():
        return path

    def spread(match: re.Match) -> bytes:
        i = int(match.group(2)) - FIRST_PMID
        return match.group(1) + str(FIRST_PMID + i * copies + i % copies).encode() + b"<"

    text = gzip.decompress(bench_file(1).read_bytes())
    text = text[: text.index(b"<DeleteCitation>")] + b"</PubmedArticleSet>\n"
    text = PMID.sub(spread, text).replace(b"<ArticleTitle>", b"<ArticleTitle>Revised. ")
    path.write_bytes(gzip.compress(text, compresslevel=1))
    return path


def full_copy(con: duckdb.DuckDBPyConnection, source: Path, target: Path) -> None:
    """What publishing cost before: checkpoint, copy the whole file, sync it."""
    con.execute("checkpoint")
    shutil.copyfile(source, target)
    with target.open("rb") as copied:
        os.fsync(copied.fileno())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory of the writer")
    args = parser.parse_args()
    copies = max(1, args.records // RECORDS)
    folder = OUT / "readers"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db, target = folder / "w.duckdb", folder / "w.snapshot.duckdb"
    con = connect(db, memory_limit=args.memory_limit)
    timed("load one bench file (30,000 records)", lambda: load_file(con, bench_file(1)))
    timed(f"grow to {copies * RECORDS:,} records in SQL", lambda: grow(con, copies))
    articles = con.execute("select count(*) from articles").fetchone()[0]
    print(f"articles {articles:,}; warehouse {db.stat().st_size / 2**20:,.0f} MiB")
    full = timed(
        "full file copy (checkpoint, copy, fsync)",
        lambda: full_copy(con, db, folder / "full.duckdb"),
    )
    timed("publish: first, rebuilt from the warehouse", lambda: publish_readers_copy(con, target))
    timed(
        "publish: second copy, from the published file", lambda: publish_readers_copy(con, target)
    )
    print(f"readers' copy {target.stat().st_size / 2**20:,.0f} MiB")
    spread = update_file(copies)
    apply = timed("apply update: 30,000 replacements, spread", lambda: load_file(con, spread))
    caught = timed(
        "publish after the update (caught up)", lambda: publish_readers_copy(con, target)
    )
    timed("publish again (the other copy catches up)", lambda: publish_readers_copy(con, target))
    con.close()
    print(f"publish / apply (wall): {caught[0] / apply[0]:.2f}  (target <= 0.5)")
    print(f"publish / full copy (wall): {caught[0] / full[0]:.2f}")
    print(f"publish / full copy (CPU): {caught[1] / max(full[1], 1e-9):.2f}")


if __name__ == "__main__":
    main()
