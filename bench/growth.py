"""Growth curve: what one baseline-sized file costs as the warehouse grows to 10M records.

`uv run --group bench python -m bench.growth [--quick]`

A few scale files (`bench.scale_data`) are staged once with `warehouse.loading.staging.stage_file`,
in a child process (its wall and CPU seconds are the parse cost per file). The warehouse then
grows by applying PMID-shifted copies of them (`bench.growth_copies`, big copies of several
files each, to reach the sizes fast, with `FILL_MEMORY`) through
`warehouse.loading.load.apply_staged`, the writer's public apply. At each size (0, 1M, 3M, 10M
records; `--quick`: 0, 150k, 300k) two baseline-sized copies are applied under the product's load
memory limit and the cheaper (by CPU) is kept: wall and CPU seconds, peak RSS of the writer process
(reset before each step), warehouse size on disk, the cost of publishing the readers' copy
(`warehouse.readers.snapshot.publish_snapshot`), and, in a separate reader process, a full scan of
each view and a few dashboard aggregates (then the same again with the reader's DuckDB memory
capped at `CAPPED_READER_MEMORY`). Before the curve the scale files' MeSH vocabulary
(`bench.scale_mesh`) is loaded with `load_files` (not measured), so the reader also times the
MeSH roll-up and citation views whole and the four example queries that use them, for a
populated tree node and the most common pharmacological action. At the largest size an update
of 30,000 replacements spread over the whole PMID range and a DeleteCitation of 10,000 PMIDs are
measured the same way (one each). Then the scale targets as ratios and a whole-baseline
projection fitted to the measured curve. A reader query still running after `--reader-limit`
seconds is cut (reported as `cut`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

import duckdb
import numpy as np
import polars as pl

from bench.apply_profile import TimedConnection
from bench.growth_copies import PmidMap, first_pmid, load_staged, write_copy, write_deletions
from bench.scale_data import RECORDS, scale_file
from bench.scale_mesh import common_action, populated_node, write_mesh
from bench.scale_templates import CHECK_TAGS
from warehouse.config import Settings
from warehouse.db import connect
from warehouse.errors import WarehouseError
from warehouse.loading.load import FileResult, apply_staged
from warehouse.loading.parallel import load_files
from warehouse.loading.staging import StagedFile, remove_staged, stage_file
from warehouse.readers.snapshot import publish_snapshot

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out" / "growth"
BASELINE_FILES = 1_334
BASELINE_RECORDS = 40_000_000
UPDATE_RECORDS = 30_000
DELETED_PMIDS = 10_000
FILL_MEMORY = "4GB"
"""DuckDB memory while filling with copies of many files (never while measuring)."""
DISK_PER_RECORD = 7_500
"""Bytes of free disk per record the curve needs: the warehouse and both colours of its
readers' copy (2.4 KB per scale record each at 3M records, free blocks included)."""
CAPPED_READER_MEMORY = "400MB"
"""DuckDB memory_limit of the second analyst-view reader: a BI tool told to stay in 500 MiB."""
DESCRIPTOR_RANK = 20
"""The dashboard's descriptor: the 20th most drawn one (a common topic, not a check tag)."""
T = TypeVar("T")


class CurveError(Exception):
    """A derived staged file that the writer did not load (rejected or already loaded)."""


@dataclass(frozen=True)
class Plan:
    """Sizes to measure at, scale files to stage, records per filling copy."""

    sizes: tuple[int, ...]
    base_files: int
    fill_records: int


FULL = Plan((0, 1_000_000, 3_000_000, 10_000_000), 3, 900_000)
QUICK = Plan((0, 150_000, 300_000), 2, 150_000)


@dataclass
class Cost:
    """Wall and CPU seconds of one step, and the process's peak RSS during it."""

    wall: float
    cpu: float
    peak_rss_mib: float


@dataclass
class Point:
    """One measured step of the curve."""

    label: str
    records_before: int
    apply: Cost
    publish: Cost
    warehouse_mib: float
    counts: dict[str, int]
    reader: dict = field(default_factory=dict)
    error: str | None = None


def reset_peak_rss() -> None:
    """Reset the kernel's high-water mark of this process's RSS (Linux `clear_refs`)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return


def peak_rss_mib() -> float:
    """Peak RSS since the last reset (`VmHWM`), else since the process started."""
    status = Path("/proc/self/status")
    if status.exists():
        match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
        if match:
            return int(match.group(1)) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(step: Callable[[], T]) -> tuple[T, Cost]:
    """Run a step; its wall and CPU seconds (all threads of this process) and peak RSS."""
    reset_peak_rss()
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    cost = Cost(time.perf_counter() - wall, time.process_time() - cpu, peak_rss_mib())
    return result, cost


def _stage_in_child(number: int, folder: str) -> tuple[StagedFile, Cost]:
    """Build (if missing) and stage scale file `number`, in a spawned process, so that the
    writer's process never holds the generator or the parser; the cost is the staging's."""
    path = scale_file(number)
    staged, cost = timed(lambda: stage_file(path, Path(folder)))
    return staged, cost


def staged_bases(count: int) -> tuple[list[StagedFile], list[Cost]]:
    """Scale files 1..count staged once into `bench/out/growth/staged/` (kept for reruns)."""
    bases, costs = [], []
    for number in range(1, count + 1):
        folder = OUT / "staged" / f"base-{number}"
        cost_file = folder / "stage_cost.json"
        staged = load_staged(folder)
        if staged is None or not cost_file.exists():
            shutil.rmtree(folder, ignore_errors=True)
            with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
                staged, cost = pool.submit(_stage_in_child, number, str(folder)).result()
            cost_file.write_text(json.dumps(asdict(cost)))
            log(f"staged scale file {number}: {cost.wall:.1f} s, {cost.cpu:.1f} CPU s")
        bases.append(staged)
        costs.append(Cost(**json.loads(cost_file.read_text())))
    return bases, costs


def log(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def dashboard_descriptor(base: StagedFile) -> str:
    """A common topic of the scale files: the 20th most used descriptor, check tags aside."""
    top = (
        pl.scan_parquet(base.table_path("terms"))
        .filter(~pl.col("descriptor_name").is_in(sorted(CHECK_TAGS)))
        .group_by("descriptor_name")
        .agg(pl.col("pmid").n_unique().alias("articles"))
        .sort(["articles", "descriptor_name"], descending=[True, False])
        .collect()
    )
    return top["descriptor_name"][min(DESCRIPTOR_RANK, top.height - 1)]


class Grower:
    """The growing warehouse in `out`: one writer connection, the next PMID slot and file
    number."""

    def __init__(
        self,
        bases: list[StagedFile],
        fill_records: int,
        reader_limit: float,
        profile: int = 0,
        out: Path = OUT,
    ) -> None:
        self.out = out
        shutil.rmtree(out / "work", ignore_errors=True)
        for name in ("warehouse.duckdb", "warehouse.duckdb.wal", "warehouse.snapshot.duckdb"):
            (out / name).unlink(missing_ok=True)
        self.db = out / "warehouse.duckdb"
        self.snapshot = out / "warehouse.snapshot.duckdb"
        self.memory_limit = Settings().load_memory_limit
        self.con = connect(self.db, memory_limit=self.memory_limit)
        self.bases = bases
        self.firsts = [first_pmid(b)[0] for b in bases]
        self.per_file = first_pmid(bases[0])[1]
        self.fill_records = fill_records
        self.loaded = 0  # records applied; PMIDs 1 .. loaded are taken
        self.copies = 0
        self.number = 0
        self.descriptor = dashboard_descriptor(bases[0])
        self.reader_limit = reader_limit
        self.profile = profile
        self.mesh = self.load_mesh(bases[0])

    def load_mesh(self, base: StagedFile) -> dict[str, str]:
        """Load the scale vocabulary (not measured); the tree node and action to ask for."""
        started = time.perf_counter()
        for result in load_files(self.con, list(write_mesh(self.out / "mesh"))):
            if result.status != "loaded":
                raise CurveError(f"{result.source_file}: {result.status} {result.message}")
        node = populated_node(pl.scan_parquet(base.table_path("terms")))
        log(f"MeSH vocabulary loaded ({time.perf_counter() - started:.1f} s); node {node}")
        return {"tree_number": node, "action_ui": common_action()}

    def _next(self) -> int:
        self.number += 1
        return self.number

    def write_copies(self, count: int) -> StagedFile:
        """`count` consecutive shifted copies (cycling through the bases) as one staged file."""
        picks = [(self.copies + i) % len(self.bases) for i in range(count)]
        maps = [
            PmidMap(self.firsts[b], 1, 1 + self.loaded + i * self.per_file)
            for i, b in enumerate(picks)
        ]
        number = self._next()
        folder = self.out / "work" / f"copy-{number}"
        staged = write_copy([self.bases[b] for b in picks], maps, folder, number, rehash=False)
        self.copies += count
        self.loaded += count * self.per_file
        return staged

    def apply(self, staged: StagedFile) -> FileResult:
        result = apply_staged(self.con, staged)
        remove_staged(staged)
        if result.status != "loaded":
            raise CurveError(f"{staged.source_file}: {result.status} {result.message}")
        return result

    def fill_to(self, target: int, *, publish: bool = True) -> None:
        """Apply big copies until the warehouse holds `target` records (less than a file
        short at most), then checkpoint and (with `publish`) bring the readers' copies past them.

        Copies of several files need more memory than one file: the fill runs with
        `FILL_MEMORY`; measured steps run with the product's load memory limit.
        """
        if target - self.loaded < self.per_file:
            return
        self.con.execute(f"set memory_limit = '{FILL_MEMORY}'")
        try:
            while target - self.loaded >= self.per_file:
                count = max(1, min(self.fill_records, target - self.loaded) // self.per_file)
                started = time.perf_counter()
                self.apply(self.write_copies(count))
                log(f"filled to {self.loaded:,} records ({time.perf_counter() - started:.0f} s)")
            self.con.execute("checkpoint")
        finally:
            self.con.execute(f"set memory_limit = '{self.memory_limit}'")
        if publish:
            self.publish_fill()

    def publish_fill(self) -> None:
        """Bring both readers' copies (blue and green) past the filling copies, unmeasured:
        a publish replays what changed since its copy was last published (two publishes
        back), so a measured publish then replays the last two measured files only."""
        for _ in range(2):
            started = time.perf_counter()
            publish_snapshot(self.con, self.snapshot)
            log(f"readers' copy past the fill ({time.perf_counter() - started:.0f} s)")

    def measure(
        self,
        label: str,
        staged: StagedFile,
        before: int,
        *,
        read: bool = True,
        publish: bool = True,
    ) -> Point:
        """Apply a staged file, publish the readers' copy, time the views; all measured.

        An apply the writer refuses (out of memory, ...) is rolled back by `apply_staged` and
        recorded as a failed step; the curve goes on.
        """
        writer = TimedConnection(self.con) if self.profile else self.con
        try:
            result, apply_cost = timed(lambda: apply_staged(writer, staged))
        except (duckdb.Error, WarehouseError) as exc:
            remove_staged(staged)
            error = str(exc).splitlines()[0]
            log(f"{label}: apply failed: {error}")
            failed = Cost(float("nan"), float("nan"), peak_rss_mib())
            return Point(label, before, failed, failed, self.size_mib(), {}, error=error)
        remove_staged(staged)
        if result.status != "loaded":
            raise CurveError(f"{staged.source_file}: {result.status} {result.message}")
        if self.profile:
            log_statements(label, writer.seconds, self.profile)
        published, publish_cost = self.snapshot, Cost(0.0, 0.0, 0.0)
        if publish:
            published, publish_cost = timed(lambda: publish_snapshot(self.con, self.snapshot))
        counts = {
            "inserted": result.inserted,
            "replaced": result.replaced,
            "deleted": result.deleted,
        }
        point = Point(label, before, apply_cost, publish_cost, self.size_mib(), counts)
        if read:
            point.reader = read_views(
                Path(published), self.descriptor, self.reader_limit, self.mesh
            )
        log(
            f"{label}: apply {apply_cost.wall:.1f} s ({apply_cost.cpu:.1f} CPU s), "
            f"publish {publish_cost.wall:.1f} s, {counts}"
        )
        return point

    def measure_file(self) -> Point:
        """Two baseline-sized files of new PMIDs at the current size; the cheaper apply (by
        CPU seconds) counts, as the less disturbed by other work on the machine."""
        before = self.loaded
        staged = self.write_copies(1)
        first = self.measure(f"file at {before:,}", staged, before, read=False)
        point = self.measure(f"file at {before:,}", self.write_copies(1), before)
        if first.error is None and not first.apply.cpu >= point.apply.cpu:
            point.apply = first.apply
        return point

    def measure_update(self) -> Point:
        """30,000 replacements spread evenly over every PMID loaded so far."""
        staged = self.write_update(self.spread_map(UPDATE_RECORDS, 0.5))
        return self.measure(f"update of {UPDATE_RECORDS:,} at {self.loaded:,}", staged, self.loaded)

    def spread_map(
        self, records: int, phase: float, skip: int = 0, count: int | None = None
    ) -> PmidMap:
        """A map of the next base's records onto `records` PMIDs spread evenly over every PMID
        loaded so far, `phase` of a stride past each stride's start; `skip` and `count` take a
        slice of them."""
        stride = max(1, self.loaded // records)
        base = self.copies % len(self.bases)
        offset = 1 + int(stride * phase)
        return PmidMap(self.firsts[base], stride, offset, skip, count)

    def write_update(self, pmid_map: PmidMap) -> StagedFile:
        """The records of `pmid_map` as replacements (changed record hashes), one staged file."""
        base = self.bases[self.firsts.index(pmid_map.base_first)]
        number = self._next()
        folder = self.out / "work" / f"update-{number}"
        return write_copy([base], [pmid_map], folder, number, rehash=True)

    def measure_delete(self) -> Point:
        """A DeleteCitation of 10,000 PMIDs spread over the whole range."""
        stride = max(1, self.loaded // DELETED_PMIDS)
        pmids = pl.int_range(0, DELETED_PMIDS, eager=True) * stride + 1 + stride // 3
        number = self._next()
        staged = write_deletions(pmids, self.out / "work" / f"delete-{number}", number)
        label = f"delete {DELETED_PMIDS:,} at {self.loaded:,}"
        return self.measure(label, staged, self.loaded, read=False)

    def size_mib(self) -> float:
        files = [self.db, self.db.with_name(self.db.name + ".wal")]
        return sum(p.stat().st_size for p in files if p.exists()) / 2**20

    def reopen(self) -> None:
        """Close the writer connection and open the warehouse again, as each scheduled sync's
        writer session does (`warehouse.runs.writer.WriterSession`)."""
        self.con.close()
        self.con = connect(self.db, memory_limit=self.memory_limit)

    def close(self) -> None:
        self.con.close()


def log_statements(label: str, seconds: dict[str, float], top: int) -> None:
    """Log the `top` slowest statements of a measured apply (wall seconds, summed per
    statement by its first words) and the sum of all."""
    ranked = sorted(seconds.items(), key=lambda item: -item[1])
    lines = [f"  {s:6.2f} s  {statement}" for statement, s in ranked[:top]]
    total = sum(seconds.values())
    log("\n".join([f"{label}: slowest statements", *lines, f"  {total:6.2f} s  all"]))


def read_views(database: Path, descriptor: str, limit: float, mesh: dict[str, str]) -> dict:
    """Time the analyst views in a fresh reader process (`bench.growth_reader`), then again in
    one whose DuckDB memory is capped at `CAPPED_READER_MEMORY` (as `capped_seconds`, peak RSS
    as `capped_peak_rss_mib`), then the MeSH and citation queries in another (their peak RSS
    as `mesh_peak_rss_mib`)."""
    found = _reader([str(database), descriptor, str(limit)])
    capped = _reader([str(database), descriptor, str(limit)], memory=CAPPED_READER_MEMORY)
    extra = _reader([str(database), descriptor, str(limit), mesh["tree_number"], mesh["action_ui"]])
    found["capped_seconds"] = capped.get("seconds", {})
    found["capped_peak_rss_mib"] = capped.get("peak_rss_mib", 0.0)
    found["mesh_seconds"] = extra.get("mesh_seconds", {})
    found["rows"] = {**found.get("rows", {}), **extra.get("rows", {})}
    found["mesh_peak_rss_mib"] = extra.get("peak_rss_mib", 0.0)
    return found


def _reader(arguments: list[str], memory: str | None = None) -> dict:
    command = [sys.executable, "-m", "bench.growth_reader", *arguments]
    env = {**os.environ, "BENCH_READER_MEMORY": memory} if memory else None
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        log(f"reader failed: {done.stderr.strip()[-500:]}")
        return {"seconds": {}, "peak_rss_mib": 0.0, "error": done.stderr.strip()[-500:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_disk(plan: Plan) -> None:
    """Refuse at once a curve whose warehouse and readers' copy cannot fit on the disk."""
    need = (plan.sizes[-1] + 4 * RECORDS) * DISK_PER_RECORD
    free = shutil.disk_usage(OUT).free
    if free < need:
        raise SystemExit(
            f"the curve up to {plan.sizes[-1]:,} records needs about {need / 2**30:.0f} GiB "
            f"free under {OUT} (warehouse and readers' copy, ~{DISK_PER_RECORD:,} bytes per "
            f"record); {free / 2**30:.0f} GiB are free: pass --sizes with a smaller largest size"
        )


def run_curve(
    plan: Plan, reader_limit: float, profile: int = 0
) -> tuple[list[Point], list[Cost], str]:
    """Stage, grow, measure at every size, then the update and the deletions."""
    check_disk(plan)
    bases, stage_costs = staged_bases(plan.base_files)
    grower = Grower(bases, plan.fill_records, reader_limit, profile)
    points = []
    try:
        for size in plan.sizes:
            grower.fill_to(size)
            points.append(grower.measure_file())
        points.append(grower.measure_update())
        points.append(grower.measure_delete())
    finally:
        grower.close()
    return points, stage_costs, grower.descriptor


def writer_table(points: list[Point]) -> list[str]:
    lines = [
        "| step | records before | apply s | apply CPU s | peak RSS MiB | warehouse MiB "
        "| publish s | publish CPU s | inserted / replaced / deleted |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in points:
        c = p.counts
        if p.error is not None:
            lines.append(
                f"| {p.label} | {p.records_before:,} | failed | - | {p.apply.peak_rss_mib:.0f} "
                f"| {p.warehouse_mib:,.0f} | - | - | - |"
            )
            continue
        lines.append(
            f"| {p.label} | {p.records_before:,} | {p.apply.wall:.1f} | {p.apply.cpu:.1f} "
            f"| {p.apply.peak_rss_mib:.0f} | {p.warehouse_mib:,.0f} | {p.publish.wall:.1f} "
            f"| {p.publish.cpu:.1f} | {c['inserted']:,} / {c['replaced']:,} / {c['deleted']:,} |"
        )
    lines += [f"\nFailed: {p.label}: {p.error}" for p in points if p.error is not None]
    return lines


def reader_table(points: list[Point], descriptor: str) -> list[str]:
    """Seconds per reader query (rows) after each step (columns), and the reader's peak RSS."""
    points = [p for p in points if p.reader]
    queries = list(dict.fromkeys(q for p in points for q in p.reader.get("seconds", {})))
    lines = [
        f"Reader (own process, default DuckDB settings, read-only on the readers' copy); "
        f"seconds (cut: interrupted at the limit); dashboard descriptor: {descriptor}",
        "",
        "| query | " + " | ".join(p.label for p in points) + " |",
        "| --- |" + " ---: |" * len(points),
    ]
    for query in queries:
        cells = [p.reader.get("seconds", {}).get(query) for p in points]
        text = " | ".join(_seconds(c) for c in cells)
        lines.append(f"| {query} | {text} |")
    rss = " | ".join(f"{p.reader.get('peak_rss_mib', 0):.0f}" for p in points)
    lines.append(f"| reader peak RSS MiB | {rss} |")
    capped = " | ".join(
        _seconds(max(p.reader.get("capped_seconds", {}).values(), default=None)) for p in points
    )
    lines.append(f"| slowest query, memory_limit {CAPPED_READER_MEMORY} | {capped} |")
    rss = " | ".join(f"{p.reader.get('capped_peak_rss_mib', 0):.0f}" for p in points)
    lines.append(f"| reader peak RSS MiB, memory_limit {CAPPED_READER_MEMORY} | {rss} |")
    return lines + mesh_table(points)


def mesh_table(points: list[Point]) -> list[str]:
    """Seconds and rows of the MeSH roll-up and citation queries after each step."""
    queries = list(dict.fromkeys(q for p in points for q in p.reader.get("mesh_seconds", {})))
    if not queries:
        return []
    lines = [
        "",
        "MeSH roll-up and citation views (scan: every row and column) and example queries, "
        "in a second reader process; seconds (rows returned; a scan's: the view's rows)",
        "",
        "| query | " + " | ".join(p.label for p in points) + " |",
        "| --- |" + " ---: |" * len(points),
    ]
    for query in queries:
        cells = []
        for p in points:
            seconds = p.reader.get("mesh_seconds", {}).get(query)
            rows = p.reader.get("rows", {}).get(query)
            cells.append(_seconds(seconds) + ("" if rows is None else f" ({rows:,})"))
        lines.append(f"| {query} | {' | '.join(cells)} |")
    rss = " | ".join(f"{p.reader.get('mesh_peak_rss_mib', 0):.0f}" for p in points)
    lines.append(f"| reader peak RSS MiB (own process) | {rss} |")
    return lines


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if value != float("inf") else "cut"


def _ratio(value: float) -> str:
    return "failed" if math.isnan(value) else f"{value:.2f}"


def ratios(points: list[Point]) -> list[str]:
    """The scale targets, as ratios of this run."""
    files = [p for p in points if p.label.startswith("file")]
    empty, largest = files[0], files[-1]
    update = next(p for p in points if p.label.startswith("update"))
    slowest = max(largest.reader.get("seconds", {}).values(), default=float("nan"))
    after_update = max(update.reader.get("seconds", {}).values(), default=float("nan"))
    peak = max(max(p.apply.peak_rss_mib, p.publish.peak_rss_mib) for p in points)
    reader_peak = max(p.reader.get("peak_rss_mib", 0.0) for p in points)
    capped_peak = max(p.reader.get("capped_peak_rss_mib", 0.0) for p in points)
    at = f"{largest.records_before:,}"
    rows = [
        (f"apply at {at} / empty (wall)", largest.apply.wall / empty.apply.wall, "<= 1.3"),
        (f"apply at {at} / empty (CPU)", largest.apply.cpu / empty.apply.cpu, "<= 1.3"),
        ("update / empty apply (wall)", update.apply.wall / empty.apply.wall, "<= 2.0"),
        ("update / empty apply (CPU)", update.apply.cpu / empty.apply.cpu, "<= 2.0"),
        ("publish after update / update apply", update.publish.wall / update.apply.wall, "<= 0.5"),
        (f"slowest reader query at {at}, s", slowest, "<= 2"),
        ("slowest reader query after the update, s", after_update, "<= 2"),
        ("writer peak RSS MiB (max)", peak, "<= 500"),
        ("reader peak RSS MiB (max)", reader_peak, "<= 500"),
        (f"reader peak RSS MiB (max), memory_limit {CAPPED_READER_MEMORY}", capped_peak, "<= 500"),
    ]
    lines = ["| ratio | value | target |", "| --- | ---: | --- |"]
    lines += [f"| {name} | {_ratio(value)} | {target} |" for name, value, target in rows]
    return lines


def baseline_hours(writer: float, parse: float, cpu: float, cores: int, workers: int) -> float:
    """Hours for the whole baseline when `workers` parse processes feed one writer.

    `writer` and `parse` are the hours each takes alone on one core (wall), `cpu` the CPU hours of
    both together. Parsing overlaps the writer's apply (each file is parsed ahead in a child), so
    the run takes as long as the slower of the two streams, and never less than the CPU it needs
    spread over the machine's cores. A cluster's parse workers run elsewhere: pass `cpu=0`.
    """
    return max(writer, parse / workers, cpu / cores)


def projection(points: list[Point], stage_costs: list[Cost], cores: int | None = None) -> list[str]:
    """Whole-baseline hours from a straight line fitted to apply cost against size."""
    cores = cores or os.cpu_count() or 1
    files = [p for p in points if p.label.startswith("file") and p.error is None]
    sizes = np.array([p.records_before for p in files], dtype=float)
    parse_cost = {
        "wall": float(np.mean([c.wall for c in stage_costs])),
        "cpu": float(np.mean([c.cpu for c in stage_costs])),
    }
    step = BASELINE_RECORDS / BASELINE_FILES
    at = np.arange(BASELINE_FILES) * step
    hours, lines = {}, []
    for kind in ("wall", "cpu"):
        cost = np.array([getattr(p.apply, kind) for p in files])
        slope, intercept = np.polyfit(sizes, cost, 1) if len(files) > 1 else (0.0, cost[0])
        writer = float(np.sum(intercept + slope * at)) / 3600
        parse = BASELINE_FILES * parse_cost[kind] / 3600
        hours[kind] = (writer, parse)
        lines.append(
            f"- {kind}: apply per file = {intercept:.2f} s + {slope * 1e6:.2f} s per million "
            f"records in the warehouse; over the baseline ({BASELINE_FILES:,} files, "
            f"{BASELINE_RECORDS / 1e6:.0f}M records) the writer takes {writer:.1f} h, "
            f"parsing {parse:.1f} h"
        )
    writer, parse = hours["wall"]
    cpu = sum(hours["cpu"])
    local = ", ".join(
        f"{baseline_hours(writer, parse, cpu, cores, workers):.1f} h with {workers} parse "
        f"worker{'s' if workers > 1 else ''}"
        for workers in (1, 2)
    )
    bound = math.ceil(parse / writer - 1e-9) if writer else 1
    cluster = ", ".join(
        f"{workers} workers {baseline_hours(writer, parse, 0.0, cores, workers):.1f} h"
        for workers in sorted({2, 4, 8, bound})
    )
    lines += [
        f"- this machine ({cores} cores, {cpu:.1f} CPU h in all): {local}",
        f"- a Dask cluster of N parse workers feeding this writer: {cluster}; from {bound} "
        f"workers on the writer ({writer:.1f} h) is the bound",
    ]
    return ["Projection fitted to the measured curve (not to an empty warehouse):", *lines]


def report(points: list[Point], stage_costs: list[Cost], descriptor: str) -> str:
    parse = stage_costs[0]
    lines = [
        f"Writer (apply_staged of one staged baseline-sized file, the cheaper of two by CPU; "
        f"load memory limit "
        f"{Settings().load_memory_limit}); parse of one scale file with stage_file: "
        f"{parse.wall:.1f} s, {parse.cpu:.1f} CPU s, peak RSS {parse.peak_rss_mib:.0f} MiB",
        "",
        *writer_table(points),
        "",
        *reader_table(points, descriptor),
        "",
        *ratios(points),
        "",
        *projection(points, stage_costs),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run the curve, print the tables and save them in `bench/out/growth/`."""
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="0, 150k, 300k records (minutes)")
    parser.add_argument("--sizes", help="comma-separated warehouse sizes, e.g. 0,500000")
    parser.add_argument(
        "--fill-records", type=int, help="records per filling copy (default 900k, quick 150k)"
    )
    parser.add_argument(
        "--reader-limit", type=float, default=120.0, help="seconds before a view query is cut"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="log the N slowest SQL statements of each measured apply",
    )
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.sizes:
        sizes = tuple(sorted(int(s) for s in args.sizes.split(",")))
        plan = Plan(sizes, plan.base_files, plan.fill_records)
    if args.fill_records:
        plan = Plan(plan.sizes, plan.base_files, args.fill_records)
    OUT.mkdir(parents=True, exist_ok=True)
    load_before, started = os.getloadavg()[0], time.perf_counter()
    points, stage_costs, descriptor = run_curve(plan, args.reader_limit, args.profile)
    text = report(points, stage_costs, descriptor)
    text += (
        f"\n\nMachine: {os.cpu_count()} cores; 1-minute load average {load_before:.1f} before "
        f"and {os.getloadavg()[0]:.1f} after; the run took "
        f"{(time.perf_counter() - started) / 60:.0f} min; duckdb {duckdb.__version__}."
    )
    (OUT / "results.md").write_text(text + "\n", encoding="utf-8")
    (OUT / "results.json").write_text(json.dumps([asdict(p) for p in points], indent=1))
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
