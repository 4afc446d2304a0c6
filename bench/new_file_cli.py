"""A new file's whole `pubmed-warehouse load` on a grown warehouse against a small one.

    uv run --group bench python -m bench.new_file_cli --db GROWN [--file XML_GZ] [--mesh DIR]
        [--pairs N]

A daily sync's cost as a user pays it: the command (start-up, parse, apply, the readers'
snapshot published) loading a baseline-sized file of new PMIDs. The file is the bench file
(`bench/out/pubmed26n0001.xml.gz` unless `--file`) with every record's PMID, and its `pubmed`
article id, moved above the grown warehouse's largest PMID, so that it is new in both warehouses.
It is loaded twice, each time by the real command in its own process, timed from outside
(`os.wait4`: wall, CPU of the process tree, peak RSS of its largest process):

1. into a warehouse of the bench file's own 30,000 records, made first in `bench/out/small/`
   (its snapshot published, as the grown one's is), with the grown warehouse's MeSH vocabulary
   loaded first when there is one (`--mesh`, by default the `mesh/` folder beside `--db`, where
   `bench.daily` writes it): a warehouse with a vocabulary keeps the MeSH tree roll-ups at every
   file, one without skips them, so only the number of records differs between the two;
2. into the grown warehouse `--db` (e.g. `bench/out/daily/warehouse.duckdb` after `bench.daily`),
   which this changes: the file stays loaded in it.

Prints both and their ratios (issue targets: peak RSS at most 1 GiB, CPU at most 1.15x the small
warehouse's). With `--pairs N` the whole is measured N times, each pair with a small warehouse made
anew and the file moved above the grown warehouse's PMIDs again, and the median ratio is printed
with each pair's: on this 2-core machine one pair's ratio moves by 10-20% from run to run.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import duckdb
from lxml import etree

from bench.run import bench_file, compile_bytecode

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
SMALL = OUT / "small"


@dataclass
class Run:
    label: str
    articles_before: int
    seconds: float
    cpu: float
    peak_rss_mib: float


def shifted_file(source: Path, offset: int, target: Path) -> int:
    """Write SOURCE with every record's PMID (and `pubmed` article id) plus OFFSET; count them."""
    records = 0
    with gzip.open(source, "rb") as stream, gzip.open(target, "wb", compresslevel=1) as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n')
        for _, elem in etree.iterparse(stream, tag="PubmedArticle"):
            pmid = elem.find("MedlineCitation/PMID")
            old = pmid.text.strip()
            pmid.text = str(int(old) + offset)
            for aid in elem.iterfind("PubmedData/ArticleIdList/ArticleId"):
                if aid.get("IdType") == "pubmed" and (aid.text or "").strip() == old:
                    aid.text = pmid.text
            out.write(etree.tostring(elem, with_tail=False) + b"\n")
            records += 1
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del elem.getparent()[0]
        out.write(b"</PubmedArticleSet>\n")
    if not records:
        raise SystemExit(f"{source} holds no PubmedArticle record (a PubmedArticleSet file)")
    return records


def largest_pmid(db: Path) -> tuple[int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select coalesce(max(pmid), 0), count(*) from articles").fetchone()
    finally:
        con.close()


def cli_load(label: str, db: Path, *paths: Path) -> Run:
    """`pubmed-warehouse load PATHS --db DB` in its own process, measured from outside."""
    _, articles = largest_pmid(db) if db.exists() else (0, 0)
    script = Path(sys.executable).with_name("pubmed-warehouse")  # the installed command
    command = [str(script), "load", *map(str, paths), "--db", str(db)]
    started = time.perf_counter()
    log = OUT / f"new_file_cli-{label.split(':')[0]}.log"
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(command, cwd=REPO, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{label}: pubmed-warehouse load exited {code}; its output: {log}")
    run = Run(label, articles, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
    rss = run.peak_rss_mib
    sys.stderr.write(f"  {label}: {seconds:.1f} s, {run.cpu:.1f} CPU s, {rss:.0f} MiB\n")
    return run


def report(pairs: list[tuple[Run, Run]], records: int, mesh: list[Path]) -> str:
    """The loads of every pair and their ratios; with several pairs, the median ratio too."""
    vocabulary = ", ".join(path.name for path in mesh) if mesh else "none"
    lines = [
        f"A new file of {records:,} records, loaded by `pubmed-warehouse load` (parse, apply, "
        f"readers' snapshot); MeSH vocabulary of both warehouses: {vocabulary}",
        "",
        "| pair | warehouse before | articles | wall s | CPU s | peak RSS MiB |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for number, pair in enumerate(pairs, 1):
        for run in pair:
            lines.append(
                f"| {number} | {run.label} | {run.articles_before:,} | {run.seconds:.1f} | "
                f"{run.cpu:.1f} | {run.peak_rss_mib:.0f} |"
            )
    cpu = [grown.cpu / small.cpu for small, grown in pairs]
    wall = [grown.seconds / small.seconds for small, grown in pairs]
    rss = max(grown.peak_rss_mib for _, grown in pairs)
    listed = ", ".join(f"{ratio:.2f}" for ratio in cpu)
    lines += [
        "",
        "| ratio | value | target |",
        "| --- | ---: | --- |",
        f"| CPU, grown / small (median of {len(pairs)}: {listed}) | {median(cpu):.2f} | <= 1.15 |",
        f"| wall, grown / small (median) | {median(wall):.2f} | - |",
        f"| peak RSS MiB, grown (largest) | {rss:.0f} | <= 1024 |",
    ]
    return "\n".join(lines)


def measure_pair(db: Path, source: Path, mesh: list[Path]) -> tuple[tuple[Run, Run], int]:
    """A new small warehouse (the grown one's vocabulary, then the bench file), and the bench
    file moved above the grown warehouse's PMIDs loaded into both; and its record count."""
    top, _ = largest_pmid(db)
    offset = (top // 10**6 + 1) * 10**6  # above the grown warehouse's range, a round number
    new = OUT / f"new-{source.name}"
    records = shifted_file(source, offset, new)
    sys.stderr.write(f"{new}: {records:,} records, PMIDs moved by {offset:,}\n")
    shutil.rmtree(SMALL, ignore_errors=True)
    SMALL.mkdir(parents=True)
    if mesh:
        names = ", ".join(path.name for path in mesh)
        cli_load(f"small: the MeSH vocabulary ({names})", SMALL / "warehouse.duckdb", *mesh)
    else:
        sys.stderr.write("no MeSH vocabulary beside the grown warehouse: none loaded\n")
    cli_load("small: the bench file itself", SMALL / "warehouse.duckdb", source)
    small = cli_load("small", SMALL / "warehouse.duckdb", new)
    return (small, cli_load("grown", db, new)), records


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.new_file_cli", description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="the grown warehouse (changed)")
    parser.add_argument("--file", type=Path, help="PubMed XML file (default the bench file)")
    parser.add_argument(
        "--mesh",
        type=Path,
        help="folder of the MeSH files (*.xml) the grown warehouse holds, loaded into the small "
        "one first (default: the mesh/ folder beside --db, when there is one)",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=1,
        help="measure this many pairs of loads, each with a small warehouse of its own, and "
        "report the median ratio (single runs here move by 10-20%%)",
    )
    args = parser.parse_args(argv)
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    if not args.db.exists():
        parser.error(f"no warehouse at {args.db}: grow one first (python -m bench.daily)")
    mesh_dir = args.mesh or args.db.parent / "mesh"
    if args.mesh is not None and not args.mesh.is_dir():
        parser.error(f"--mesh {args.mesh}: no such folder")
    mesh = sorted(mesh_dir.glob("*.xml")) if mesh_dir.is_dir() else []
    source = args.file or bench_file(1)
    compile_bytecode()
    pairs = []
    for number in range(args.pairs):
        sys.stderr.write(f"pair {number + 1} of {args.pairs}\n")
        pair, records = measure_pair(args.db, source, mesh)
        pairs.append(pair)
    text = report(pairs, records, mesh)
    (OUT / "new_file_cli.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
