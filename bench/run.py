"""Run every contender in its own process on the same baseline-sized files; print the table.

Input: `make_bench_xml.py` (beside the repository in `shared/tools/`) replicates real corpus
records into files of 30,000 `PubmedArticle`s with distinct PMIDs and a `DeleteCitation` that
removes the last records of the previous file; they are built once into `bench/out/`.
Peak RSS is the largest resident set of any process of a contender (workers included), read
from the kernel's accounting of the finished process tree (`wait4`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import sysconfig
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
MAKE_BENCH_XML = REPO.parent / "shared" / "tools" / "make_bench_xml.py"
SEED_DIR = REPO.parent / "shared" / "corpus" / "xml"
RECORDS = 30_000
DELETES = 100
BASELINE_FILES = 1_334
DEFAULT_LOAD = "ours: load, 1 file, the CLI's default workers (one per core: the file in parts)"
CLI_LOAD = "ours: `pubmed-warehouse load`, 1 file (start-up and readers' snapshot included)"


@dataclass
class Measure:
    """One contender's run: what it read, how long it took, its peak memory."""

    name: str
    files: int
    records: int
    seconds: float
    cpu_seconds: float
    peak_rss_mib: float

    @property
    def rate(self) -> float:
        return self.records / self.seconds


def bench_file(number: int) -> Path:
    """The `number`th input file (1-based), built if missing; PMIDs continue file to file."""
    path = OUT / f"pubmed26n{number:04d}.xml.gz"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        first_pmid = 1_000_001 + (number - 1) * RECORDS
        subprocess.run(
            [
                sys.executable,
                str(MAKE_BENCH_XML),
                str(path),
                f"--records={RECORDS}",
                f"--seed-dir={SEED_DIR}",
                f"--first-pmid={first_pmid}",
                f"--deletes={DELETES}",
            ],
            check=True,
            stderr=subprocess.DEVNULL,
        )
    return path


def measure(label: str, contender: str, paths: list[Path]) -> Measure:
    """Run one contender in a fresh process; peak RSS from the process tree's rusage."""
    command = [sys.executable, "-m", "bench.contenders", contender, *map(str, paths)]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{label} failed with exit code {process.returncode}")
    result = json.loads(output.strip().splitlines()[-1])
    cpu = usage.ru_utime + usage.ru_stime
    measured = Measure(
        label, len(paths), result["records"], result["seconds"], cpu, usage.ru_maxrss / 1024
    )
    sys.stderr.write(f"  {label}: {measured.seconds:.1f} s, {measured.peak_rss_mib:.0f} MiB\n")
    return measured


def compile_bytecode() -> None:
    """Write the bytecode caches of the installed packages and this project, as an install
    with pip does and as Python does on a first import (unless `PYTHONDONTWRITEBYTECODE` is
    set): no contender's processes then pay for compiling what they import."""
    folders = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    folders |= {str(REPO / "warehouse"), str(REPO / "flows")}
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", *sorted(folders)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,  # a package's test files written for another Python do not compile
    )


def run_all(quick: bool) -> list[Measure]:
    """Measure floor, peer, ours and the scale runs on the same files."""
    files = [bench_file(n) for n in range(1, 5)]
    compile_bytecode()
    one = files[:1]
    runs = [
        measure("floor: isal + lxml iterparse", "floor", one),
        measure("ours: parse + normalize to Arrow", "parse_normalize", one),
        measure("ours: load into DuckDB, 1 file", "load", one),
        measure(DEFAULT_LOAD, "load_default_workers", one),
        measure(CLI_LOAD, "cli", one),
    ]
    if not quick:
        runs.append(measure("peer: pubmed_parser.parse_medline_xml", "peer", one))
    runs += [
        measure("ours: load, 2 files, 1 worker", "load", files[:2]),
        measure("ours: load, 4 files, 1 worker", "load", files),
        measure("ours: load, 4 files, 2 workers", "load_2_workers", files),
    ]
    return runs


def table(runs: list[Measure]) -> str:
    """The results as a Markdown table, then the ratios and targets."""
    floor = runs[0]
    lines = [
        "| contender | files | records | seconds | records/s | CPU s | peak RSS MiB | x floor |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in runs:
        per_file_floor = floor.seconds * m.files
        lines.append(
            f"| {m.name} | {m.files} | {m.records:,} | {m.seconds:.1f} | {m.rate:,.0f} "
            f"| {m.cpu_seconds:.1f} | {m.peak_rss_mib:.0f} | {m.seconds / per_file_floor:.2f} |"
        )
    lines += ["", *_targets(runs)]
    return "\n".join(lines)


def _targets(runs: list[Measure]) -> list[str]:
    """Ratios from this run against the targets."""
    named = {m.name: m for m in runs}
    floor, parse = runs[0], runs[1]
    load1 = named["ours: load into DuckDB, 1 file"]
    load_default, load_cli = named[DEFAULT_LOAD], named[CLI_LOAD]
    load4 = named["ours: load, 4 files, 1 worker"]
    load4w2 = named["ours: load, 4 files, 2 workers"]
    peer = named.get("peer: pubmed_parser.parse_medline_xml")
    rows = [
        ("parse + normalize / floor (wall)", parse.seconds / floor.seconds, "<= 3.0"),
        ("parse + normalize / floor (CPU)", parse.cpu_seconds / floor.cpu_seconds, "<= 2.5"),
        ("2 workers speed-up (4 files)", load4.seconds / load4w2.seconds, ">= 1.4"),
        ("peak RSS 4 files / 1 file", load4.peak_rss_mib / load1.peak_rss_mib, "~1.0 (flat)"),
        ("peak RSS per process MiB (max)", max(m.peak_rss_mib for m in runs[1:]), "<= 500"),
    ]
    if peer is not None:
        rows[1:1] = [
            ("pubmed_parser parse / our load, 1 worker", peer.seconds / load1.seconds, "-"),
            ("... / our load, default workers", peer.seconds / load_default.seconds, "-"),
            ("... / `pubmed-warehouse load` (wall)", peer.seconds / load_cli.seconds, ">= 1.5"),
        ]
    lines = ["| ratio | value | target |", "| --- | ---: | --- |"]
    lines += [f"| {name} | {value:.2f} | {target} |" for name, value, target in rows]
    hours_1 = BASELINE_FILES * load4.seconds / 4 / 3600
    hours_2 = BASELINE_FILES * load4w2.seconds / 4 / 3600
    lines += [
        "",
        f"Projection for {BASELINE_FILES:,} baseline files of {RECORDS:,} records on this "
        f"machine: {hours_1:.1f} h with 1 worker, {hours_2:.1f} h with 2 workers.",
    ]
    return lines


def main() -> None:
    """Build the input, run every contender, print and save the table."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the (slow) peer")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    runs = run_all(args.quick)
    text = table(runs)
    text += (
        f"\n\nMachine: {os.cpu_count()} cores; 1-minute load average {load_before:.1f} before "
        f"and {os.getloadavg()[0]:.1f} after the run (other work on the machine skews wall time;"
        " CPU seconds are less affected)."
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.md").write_text(text + "\n", encoding="utf-8")
    (OUT / "results.json").write_text(json.dumps([asdict(m) for m in runs], indent=1))
    sys.stdout.write(text + "\n")
