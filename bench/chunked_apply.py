"""One spread update applied whole, then in chunks: does a chunked apply bound its memory?

`uv run --group bench python -m bench.chunked_apply [--records N]`
(`python -m bench.daily --chunked` runs the same on the daily bench's warehouse)

Until a transaction commits, DuckDB pins memory for every 2,048-row vector it deletes from or
updates (`warehouse.loading.memory.removal_need`). The loader applies a file in one transaction;
this bench emulates a loader that would commit in chunks, without changing it: an update of 30,000
replacements spread evenly over the whole PMID range (the growth curve's update copy) is applied

- whole: one staged file, one `apply_staged`, one commit;
- in `CHUNKS` (6) staged files of 5,000 PMIDs each, the update's slices in PMID order,
  each its own `apply_staged` (its own commit);
- the same chunks with `checkpoint` after each;
- the same chunks with DuckDB's automatic checkpoint at commit held off (`checkpoint_threshold`
  raised while they run), so that a commit is only a commit.

Each variant replaces another 30,000 PMIDs of the same spread (same stride, another phase), so
none replays a change already made. Per apply: wall and CPU seconds, the writer's peak RSS
(reset per apply), the need the loader's removal check computes, and after the commit (and the
checkpoint): the process's RSS, DuckDB's own count of the memory it holds (`duckdb_memory()`)
and the WAL's size. A checkpoint runs (unmeasured) before each variant.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from bench.growth import FULL, Cost, CurveError, Grower, log, peak_rss_mib, staged_bases, timed
from warehouse.errors import WarehouseError
from warehouse.loading.apply import removal_touched
from warehouse.loading.load import apply_staged
from warehouse.loading.memory import RemovalNeed, removal_need, table_rows
from warehouse.loading.removal import PMID_TABLES
from warehouse.loading.staging import remove_staged

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out" / "chunked"
UPDATE_RECORDS = 30_000
CHUNKS = 6
AFTER_COMMIT = ("", "checkpoint", "no automatic checkpoint")
VARIANTS = (
    ("whole", 1, "", 0.2),
    ("chunks", CHUNKS, "", 0.4),
    ("chunks, checkpoint after each", CHUNKS, "checkpoint", 0.6),
    ("chunks, no automatic checkpoint", CHUNKS, "no automatic checkpoint", 0.8),
)
"""Name, chunks, what follows each commit (`AFTER_COMMIT`), phase of the spread."""


@dataclass
class ChunkStep:
    """One apply of a variant and the memory still held after its commit."""

    pmids: int
    replaced: int
    apply: Cost
    checkpoint: Cost | None
    need_mib: float
    rss_after_mib: float
    duckdb_after_mib: float
    wal_after_mib: float
    error: str | None = None
    """What `apply_staged` raised; `replaced` then counts the chunk's articles committed."""


@dataclass
class ChunkedRun:
    """The variants measured on one warehouse."""

    records: int
    update_records: int
    chunks: int
    variants: dict[str, list[dict]] = field(default_factory=dict)


def removal_need_for(rows: dict[str, int], removed: int) -> RemovalNeed:
    """The loader's removal need (`warehouse.loading.apply.check_removal_memory`'s rule) for a file
    that replaces or deletes `removed` PMIDs spread over a warehouse of `rows` rows per table,
    every row of each of them changed: one vector per PMID in each record table and per-article
    aggregate, and the other aggregates' change as the loader writes it."""
    changed = {table: removed for table in PMID_TABLES}
    return removal_need(rows, removal_touched(rows, 0, changed), removed)


def rss_mib() -> float:
    """This process's resident set now (`VmRSS`)."""
    match = re.search(r"VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text())
    return int(match.group(1)) / 1024 if match else float("nan")


def duckdb_mib(con: duckdb.DuckDBPyConnection) -> float:
    """The memory DuckDB's buffer manager counts as held, all tags."""
    return con.execute("select sum(memory_usage_bytes) from duckdb_memory()").fetchone()[0] / 2**20


def apply_variant(grower: Grower, chunks: int, after: str, phase: float) -> list[ChunkStep]:
    """The spread update at `phase`, as `chunks` staged files applied one after the other."""
    con = grower.con
    con.execute("checkpoint")
    threshold = con.execute("select current_setting('checkpoint_threshold')").fetchone()[0]
    if after == "no automatic checkpoint":
        con.execute("set checkpoint_threshold = '1TB'")
    try:
        steps = []
        for chunk in range(chunks):
            steps.append(apply_chunk(grower, chunks, chunk, after, phase))
            if steps[-1].error:
                break
        return steps
    finally:
        con.execute(f"set checkpoint_threshold = '{threshold}'")
        con.execute("checkpoint")


def apply_chunk(grower: Grower, chunks: int, chunk: int, after: str, phase: float) -> ChunkStep:
    """Chunk `chunk` of the spread update at `phase`: apply it, then what `after` says."""
    size = UPDATE_RECORDS // chunks
    pmid_map = grower.spread_map(UPDATE_RECORDS, phase, chunk * size, size)
    staged = grower.write_update(pmid_map)
    need = removal_need_for(table_rows(grower.con), size).mib
    error = None
    try:
        result, cost = timed(lambda staged=staged: apply_staged(grower.con, staged))
        replaced = result.replaced
        if result.status != "loaded":
            raise CurveError(f"{staged.source_file}: {result.status} {result.message}")
    except (duckdb.Error, WarehouseError) as exc:
        error = str(exc).splitlines()[0]
        log(f"chunk {chunk + 1}/{chunks}: {error}")
        cost = Cost(float("nan"), float("nan"), peak_rss_mib())
        replaced = rows_from(grower.con, staged.source_file)
    finally:
        remove_staged(staged)
    done = None
    if after == "checkpoint":
        _, done = timed(lambda: grower.con.execute("checkpoint"))
    wal = grower.db.with_name(grower.db.name + ".wal")
    wal_mib = wal.stat().st_size / 2**20 if wal.exists() else 0.0
    step = ChunkStep(
        size, replaced, cost, done, need, rss_mib(), duckdb_mib(grower.con), wal_mib, error
    )
    log(
        f"chunk {chunk + 1}/{chunks}: {cost.cpu:.1f} CPU s, peak {cost.peak_rss_mib:.0f} "
        f"MiB, after: RSS {step.rss_after_mib:.0f}, DuckDB {step.duckdb_after_mib:.0f} MiB"
    )
    return step


def rows_from(con: duckdb.DuckDBPyConnection, source_file: str) -> int:
    """Articles the warehouse holds from a file (committed, whether or not its load was
    recorded in `ingested_files`)."""
    query = "select count(*) from articles where source_file = ?"
    return con.execute(query, [source_file]).fetchone()[0]


def run_chunked(grower: Grower) -> ChunkedRun:
    """Whole, chunked, chunked with checkpoints, on the grower's warehouse."""
    run = ChunkedRun(grower.loaded, UPDATE_RECORDS, CHUNKS)
    for name, chunks, after, phase in VARIANTS:
        log(f"spread update of {UPDATE_RECORDS:,}: {name}")
        steps = apply_variant(grower, chunks, after, phase)
        run.variants[name] = [asdict(s) for s in steps]
    return run


def chunk_report(run: ChunkedRun) -> list[str]:
    """Per variant: sums and peaks, then every apply."""
    lines = [
        f"Spread update of {run.update_records:,} replacements at {run.records:,} records: "
        f"whole, and as {run.chunks} staged files applied one after the other",
        "",
        "| variant | applies | replaced | wall s | CPU s (checkpoints included) | peak RSS MiB "
        "| removal need MiB (max) | RSS after MiB (last) | DuckDB memory after MiB (last) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, steps in run.variants.items():
        wall = sum(s["apply"]["wall"] + (s["checkpoint"] or {}).get("wall", 0) for s in steps)
        cpu = sum(s["apply"]["cpu"] + (s["checkpoint"] or {}).get("cpu", 0) for s in steps)
        peak = max(
            max(s["apply"]["peak_rss_mib"], (s["checkpoint"] or {}).get("peak_rss_mib", 0))
            for s in steps
        )
        lines.append(
            f"| {name} | {len(steps)} | {sum(s['replaced'] for s in steps):,} | {wall:.1f} "
            f"| {cpu:.1f} | {peak:.0f} | {max(s['need_mib'] for s in steps):,.0f} "
            f"| {steps[-1]['rss_after_mib']:.0f} | {steps[-1]['duckdb_after_mib']:.0f} |"
        )
    errors = [
        f"- {name}, apply {n}: {s['error']} ({s['replaced']:,} of its articles committed)"
        for name, steps in run.variants.items()
        for n, s in enumerate(steps, 1)
        if s.get("error")
    ]
    lines += ["", "Raised:", *errors] if errors else []
    lines += [
        "",
        "| variant | apply | CPU s | peak RSS MiB | checkpoint CPU s | RSS after MiB "
        "| DuckDB memory after MiB | WAL after MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, steps in run.variants.items():
        for number, s in enumerate(steps, 1):
            check = f"{s['checkpoint']['cpu']:.1f}" if s["checkpoint"] else "-"
            lines.append(
                f"| {name} | {number} | {s['apply']['cpu']:.1f} | {s['apply']['peak_rss_mib']:.0f} "
                f"| {check} | {s['rss_after_mib']:.0f} | {s['duckdb_after_mib']:.0f} "
                f"| {s['wal_after_mib']:.0f} |"
            )
    return lines


def main(argv: list[str] | None = None) -> None:
    """Grow a warehouse to `--records`, run the variants, print and save them."""
    parser = argparse.ArgumentParser(prog="python -m bench.chunked_apply", description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    bases, _ = staged_bases(FULL.base_files)
    grower = Grower(bases, FULL.fill_records, 0.0, out=OUT)
    try:
        grower.fill_to(args.records, publish=False)
        run = run_chunked(grower)
    finally:
        grower.close()
    text = "\n".join(chunk_report(run))
    (OUT / "results.md").write_text(text + "\n", encoding="utf-8")
    (OUT / "results.json").write_text(json.dumps(asdict(run), indent=1))
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
