"""Profile the writer's apply of one staged baseline-sized file as the warehouse grows.

    uv run python -m bench.apply_profile --db bench/out/grown.duckdb --grow-to 1500000
    uv run python -m bench.apply_profile --db bench/out/grown.duckdb --apply 2 --statements

The input is one file staged by `warehouse.loading.staging.stage_file` (built once into
`bench/out/staged1` from `bench/out/pubmed26n0001.xml.gz`). `--grow-to N` bulk-inserts
PMID-shifted copies of its tables (with their `changes` and `ingested_files` rows) until the
warehouse holds N articles, then builds the tables the loader maintains (`name_uis`,
`citation_keys`, `record_fingerprints`, ...) as the first load after them would (and with
`--rebuild-aggregates` the aggregates of every grown record; without it they fill from the
applied files); `--apply K`
then applies K further shifted copies through the real `apply_staged`, each a newer NLM file,
printing wall and CPU seconds per file and, with `--statements`, the seconds of every SQL
statement of the last apply. With `--spread` each copy replaces the same PMIDs spread over the
loaded range, with its own record hash: the first with other records' rows, the next ones with
the same rows again (only `articles` changes); with `--spread-apart` each copy replaces other
PMIDs (the next ones of each stride), all with other records' rows, as a run of several daily
updates does. With `--batch` the K copies are applied as one
writer run applies them: the aggregates' adds left pending (`aggregate_batch_pmids`, settled
when more are pending than it), then settled once at the end, as before a publish; the settle
is printed on its own line (its CPU seconds, and per file applied).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import sys
import time
from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.db import connect
from warehouse.formats.records import RECORD_TABLES, STORED_AS
from warehouse.loading import aggregates
from warehouse.loading.abstract_spans import abstract_spans
from warehouse.loading.apply import ensure_derived_tables
from warehouse.loading.load import apply_staged
from warehouse.loading.staging import DELETIONS, MANIFEST, REJECTS, StagedFile, stage_file
from warehouse.schema import literal
from warehouse.setting_fields import FIELDS

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
SOURCE = OUT / "pubmed26n0001.xml.gz"
STAGED = OUT / "staged1"
SPAN = 30_000
FIRST_PMID = 1_000_001
"""The staged file's first PMID, and the first of a warehouse grown here (`--grow-to`)."""
"""PMIDs one copy shifts by (the records of a bench file)."""


class TimedConnection:
    """A DuckDB connection that adds up the seconds each statement (by its first words) takes."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.seconds: dict[str, float] = defaultdict(float)

    def execute(self, sql: str, *args: object) -> duckdb.DuckDBPyConnection:
        started = time.perf_counter()
        try:
            return self._con.execute(sql, *args)
        finally:
            self.seconds[_label(sql)] += time.perf_counter() - started

    def commit(self) -> None:
        started = time.perf_counter()
        try:
            self._con.commit()
        finally:
            self.seconds["commit"] += time.perf_counter() - started

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


def _label(sql: str) -> str:
    lines = [ln for ln in sql.splitlines() if ln.strip() and not ln.strip().startswith("--")]
    return re.sub(r"\s+", " ", " ".join(lines))[:90]


def staged_source(source: Path = SOURCE) -> StagedFile:
    """The staged input file, staged once (beside the bench's output, one folder per input)."""
    folder = STAGED if source == SOURCE else OUT / f"staged-{source.parent.name}-{source.stem}"
    manifest = folder / MANIFEST
    if not manifest.exists():
        return stage_file(source, folder)
    fields = json.loads(manifest.read_text())
    fields["started"] = datetime.fromisoformat(fields["started"])
    fields["superseded"] = [tuple(s) for s in fields["superseded"]]
    return StagedFile(**fields)


def shifted_copy(
    con: duckdb.DuckDBPyConnection,
    staged: StagedFile,
    copy: int,
    folder: Path,
    stride: int = 0,
    offset: int = 0,
    start: int = FIRST_PMID,
) -> StagedFile:
    """The staged file as NLM file number `copy + 1`: PMIDs moved by `copy * SPAN`, or, with a
    `stride`, spread over the loaded range (`stride` apart, from the `offset`-th PMID after
    `start`, the loaded range's first) as changed versions (replacements)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    first = FIRST_PMID
    moved = (
        f"pmid + {copy * SPAN}"
        if not stride
        else f"{start} + {offset % stride} + (pmid - {first}) * {stride}"
    )
    for name in [f"{t}.parquet" for t in RECORD_TABLES] + [DELETIONS, REJECTS]:
        source = Path(staged.folder) / name
        if source.exists():
            changed = ""
            if name == "articles.parquet":
                changed = (
                    f", '26n{copy + 1:05d}' as file_order_key, "
                    f"'pubmed26n{copy + 1:04d}.xml.gz' as source_file"
                    + (f", record_hash || 'r{copy}' as record_hash" if stride else "")
                )
            con.execute(
                f"copy (select * replace ({moved} as pmid{changed}) from read_parquet(?)) "
                f"to {literal(folder / name)} (format parquet)",
                [str(source)],
            )
    return replace(
        staged,
        folder=str(folder),
        source_file=f"pubmed26n{copy + 1:04d}.xml.gz",
        sha256=f"{staged.sha256[:48]}{copy:016d}",
        file_order_key=f"26n{copy + 1:05d}",
        started=datetime.now(),
    )


def grow(con: duckdb.DuckDBPyConnection, staged: StagedFile, target: int) -> int:
    """Bulk-insert shifted copies (10 per statement) until `articles` holds `target` rows."""
    copies = con.execute("select count(*) from ingested_files").fetchone()[0]
    while con.execute("select count(*) from articles").fetchone()[0] < target:
        shifts = f"select range * {SPAN} as shift from range({copies}, {copies + 10})"
        con.begin()
        for table in RECORD_TABLES:
            path = Path(staged.folder) / f"{table}.parquet"
            if not path.exists():
                continue
            rows = f"read_parquet({literal(path)})"
            if table in STORED_AS:  # kept in another form: converted as the loader does
                articles = f"read_parquet({literal(Path(staged.folder) / 'articles.parquet')})"
                rows = f"({abstract_spans(rows, articles)})"
            con.execute(
                f'insert into "{STORED_AS.get(table, table)}" select s.* replace '
                f"(s.pmid + k.shift as pmid) from {rows} as s, ({shifts}) as k"
            )
        con.execute(
            "insert into changes select s.pmid + k.shift, 'pubmed26n' || lpad((k.shift // "
            f"{SPAN} + 1)::varchar, 4, '0') || '.xml.gz', 'insert', s.record_hash, now() "
            f"from read_parquet(?) as s, ({shifts}) as k",
            [str(Path(staged.folder) / "articles.parquet")],
        )
        con.execute(
            "insert into ingested_files select 'pubmed26n' || lpad((range + 1)::varchar, 4, '0')"
            " || '.xml.gz', 'bulk' || range, 'loaded', 'xml', "
            "'26n' || lpad((range + 1)::varchar, 5, '0'), ?, ?, 0, 0, 0, 0, 0, now(), now(), null "
            f"from range({copies}, {copies + 10})",
            [staged.records, staged.records],
        )
        con.commit()
        copies += 10
        sys.stderr.write(f"  grown to {copies * SPAN:,} records\n")
    # the bulk rows carry the source file's key: give each copy its own, as a real load would
    con.execute(
        "update articles set file_order_key = '26n' || lpad(((pmid - 1000001) // "
        f"{SPAN} + 1)::varchar, 5, '0'), source_file = 'pubmed26n' || lpad(((pmid - 1000001) // "
        f"{SPAN} + 1)::varchar, 4, '0') || '.xml.gz'"
    )
    # the tables the loader maintains are built as the first load after the copies would build
    # them, so that the applies measure the steady state
    con.begin()
    ensure_derived_tables(con)
    con.commit()
    con.execute("checkpoint")
    return copies


def apply_copies(
    con: duckdb.DuckDBPyConnection,
    staged: StagedFile,
    count: int,
    spread: bool,
    batch_pmids: int = 0,
    apart: bool = False,
) -> TimedConnection:
    """Apply `count` further copies through `apply_staged` (new PMIDs, or with `spread` the
    same number of replacements spread over the loaded range); print a line for each. With
    `batch_pmids` the aggregates' adds are batched across the copies, and settled at the end."""
    copies = con.execute("select count(*) from ingested_files").fetchone()[0]
    timed = TimedConnection(con)
    for copy in range(copies, copies + count):
        articles = con.execute("select count(*) from articles").fetchone()[0]
        low, high = con.execute(
            "select min(pmid), max(pmid) from articles where pmid > 0"
        ).fetchone()
        stride = max(1, (high - low + 1) // SPAN) if spread else 0
        offset = copy if apart else 0
        shifted = shifted_copy(con, staged, copy, OUT / "staged-shifted", stride, offset, low)
        timed.seconds.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        result = apply_staged(timed, shifted, aggregate_batch_pmids=batch_pmids)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sys.stdout.write(
            f"apply {shifted.source_file} into {articles:,} articles: {wall:.2f} s wall, "
            f"{cpu:.2f} s CPU, inserted {result.inserted:,}, replaced {result.replaced:,}, "
            f"deleted {result.deleted}, "
            f"peak RSS {rss:.0f} MiB\n"
        )
    if batch_pmids:
        wall, cpu = time.perf_counter(), time.process_time()
        settled = aggregates.settle(timed)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sys.stdout.write(
            f"settle the adds of {settled:,} articles: {wall:.2f} s wall, {cpu:.2f} s CPU "
            f"({cpu / count:.2f} s CPU per file applied), peak RSS {rss:.0f} MiB\n"
        )
    return timed


def main() -> None:
    """Grow, then apply and time."""
    parser = argparse.ArgumentParser(prog="python -m bench.apply_profile", description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--grow-to", type=int, default=0)
    parser.add_argument("--apply", type=int, default=1)
    parser.add_argument("--statements", action="store_true")
    parser.add_argument(
        "--spread", action="store_true", help="apply replacements spread over the loaded range"
    )
    parser.add_argument(
        "--spread-apart",
        action="store_true",
        help="with --spread: each copy replaces other PMIDs than the copies before it",
    )
    parser.add_argument(
        "--batch",
        action="store_true",
        help="apply the copies as one writer run: the aggregates' adds batched, settled at the end",
    )
    parser.add_argument(
        "--batch-pmids",
        type=int,
        default=FIELDS["aggregate_batch_pmids"].default,
        help="with --batch: settle once more than this many adds are pending",
    )
    parser.add_argument(
        "--rebuild-aggregates",
        action="store_true",
        help="after --grow-to, compute the aggregates of every grown record "
        "(aggregates.rebuild), so that the applies find a warehouse's full aggregate tables",
    )
    parser.add_argument("--memory-limit", default="200MB")
    parser.add_argument(
        "--source",
        type=Path,
        default=SOURCE,
        help="the file to stage and copy (default: the bench file; bench/out/scale/... for "
        "values spread like PubMed's)",
    )
    args = parser.parse_args()
    staged = staged_source(args.source)
    con = connect(args.db, memory_limit=args.memory_limit)
    if args.grow_to:
        grow(con, staged, args.grow_to)
        if args.rebuild_aggregates:
            aggregates.rebuild(con)
            con.execute("checkpoint")
    batch_pmids = args.batch_pmids if args.batch else 0
    timed = apply_copies(con, staged, args.apply, args.spread, batch_pmids, args.spread_apart)
    if args.statements:
        for label, seconds in sorted(timed.seconds.items(), key=lambda kv: -kv[1]):
            if seconds >= 0.01:
                sys.stdout.write(f"  {seconds:7.3f} s  {label}\n")
        total = sum(timed.seconds.values())
        sys.stdout.write(f"  {total:7.3f} s  all statements\n")
    con.close()


if __name__ == "__main__":
    main()
