"""Analyst views at scale: grow a warehouse, time each view, time one file's aggregate refresh.

`uv run python -m bench.views --records 3000000` (`--quick`: 300,000 records):

1. loads the corpus XML files (real records) into `bench/out/views/grown.duckdb`;
2. grows it to `--records` articles by bulk `insert ... select` of PMID-shifted copies of those
   rows, varying names so that keys keep growing (author names and ORCIDs change every 3
   copies; descriptor and substance names take one of 9 variants, half of them the real one;
   publication years spread over 30 years), then `warehouse.loading.aggregates.rebuild`;
3. applies, through the loader, a file of 30,000 new records and then an update file of 30,000
   replacements spread over the whole PMID range with a DeleteCitation of 10,000 PMIDs (200MB
   DuckDB memory, as a load runs), timing the aggregate refresh inside each file's transaction;
4. opens the warehouse read-only with DuckDB's default settings, as a BI reader does, and times
   a full scan (every column hashed) and a dashboard aggregate of each view.
"""

from __future__ import annotations

import argparse
import gzip
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from lxml import etree

from warehouse.db import connect
from warehouse.formats.records import STORED_RECORD_TABLES
from warehouse.inputs import discover
from warehouse.loading import aggregates
from warehouse.loading.load import load_file

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out" / "views"
SEED_DIR = REPO.parent / "shared" / "corpus" / "xml"
SHIFT = 1_000_000_000
"""PMID offset between copies (corpus PMIDs are below it)."""
COPIES_PER_INSERT = 200
FILE_RECORDS = 30_000
FILE_DELETES = 10_000


def variant(column: str) -> str:
    """One of 9 spellings of a name per copy: the real one half of the time."""
    bucket = f"hash({column}, k) % 16"
    return f"case when {bucket} < 8 then {column} else {column} || ' ' || {bucket} end as {column}"


def copy_columns(table: str) -> str:
    """The `replace (...)` list of a copy of `table`'s seed rows: PMID shifted, names varied."""
    varied = {
        "articles": [
            "pub_year - k % 30 as pub_year",
            "record_hash || '-' || k as record_hash",
        ],
        "authors": [
            "last_name || ' ' || k // 3 as last_name",
            "orcid || '-' || k // 3 as orcid",
            "collective_name || ' ' || k // 3 as collective_name",
        ],
        "terms": [variant("descriptor_name")],
        "substances": [variant("name")],
    }
    return ", ".join([f"pmid + k * {SHIFT} as pmid", *varied.get(table, [])])


@contextmanager
def timed(label: str, times: dict[str, tuple[float, float]]) -> Iterator[None]:
    """Record wall and CPU seconds (all threads of this process) of a block under `label`."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield
    before = times.get(label, (0.0, 0.0))
    times[label] = (
        before[0] + time.perf_counter() - wall,
        before[1] + cpu_seconds() - cpu,
    )


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def grow(con: duckdb.DuckDBPyConnection, records: int) -> int:
    """Copy the seed rows with shifted PMIDs until the warehouse holds about `records`."""
    seed = con.execute("select count(*) from articles").fetchone()[0]
    copies = max(records // seed - 1, 0)
    for table in STORED_RECORD_TABLES:
        con.execute(f'create temp table seed_{table} as from "{table}"')
    for first in range(1, copies + 1, COPIES_PER_INSERT):
        last = min(first + COPIES_PER_INSERT, copies + 1)
        for table in STORED_RECORD_TABLES:
            con.execute(
                f'insert into "{table}" select seed_{table}.* replace ({copy_columns(table)}) '
                f"from seed_{table}, range({first}, {last}) as copies(k)"
            )
    return copies


def seed_records() -> tuple[list[bytes], list[int]]:
    """Every citation of the corpus XML files as a `PubmedArticle` whose PMID is a `{pmid}`
    slot, and the PMIDs they had."""
    records, pmids = [], []
    for path in discover([SEED_DIR]):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as stream:
            root = etree.parse(stream, etree.XMLParser(resolve_entities=False)).getroot()
        for citation in root.iter("MedlineCitation"):
            article = citation.getparent()
            if article.tag != "PubmedArticle":
                article = etree.Element("PubmedArticle")
                article.append(citation)
            pmids.append(int(citation.findtext("PMID")))
            for slot in article.iterfind("MedlineCitation/PMID"):
                slot.text = "{pmid}"
            for slot in article.iterfind("PubmedData/ArticleIdList/ArticleId[@IdType='pubmed']"):
                slot.text = "{pmid}"
            records.append(etree.tostring(article))
    return records, pmids


def write_file(path: Path, records: list[bytes], pmids: list[int], deletes: list[int]) -> Path:
    """A PubMed XML file of the seed records (cycled) under `pmids`, then a DeleteCitation."""
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        for i, pmid in enumerate(pmids):
            out.write(records[i % len(records)].replace(b"{pmid}", str(pmid).encode()))
        if deletes:
            out.write(b"<DeleteCitation>")
            out.write(b"".join(b'<PMID Version="1">%d</PMID>' % p for p in deletes))
            out.write(b"</DeleteCitation>\n")
        out.write(b"</PubmedArticleSet>\n")
    return path


def update_pmids(seed_pmids: list[int], copies: int, count: int, skip: int) -> list[int]:
    """`count` PMIDs of the grown warehouse spread over its whole range (every copy)."""
    step = max(copies // max(count // len(seed_pmids), 1), 1)
    picked: list[int] = []
    k = skip
    while len(picked) < count:
        picked.extend(p + (k % copies + 1) * SHIFT for p in seed_pmids)
        k += step
    return picked[:count]


FULL_SCAN = "select count(*), sum(hash(columns(*))) from {view}"
DASHBOARD = {
    "article_descriptors": "select descriptor_name, count(*) from article_descriptors "
    "group by all order by 2 desc limit 10",
    "article_summary": "select pub_year, count(*), sum(author_count), sum(descriptor_count) "
    "from article_summary group by all",
    "term_by_year": "select pub_year, sum(article_count) from term_by_year group by all",
    "term_cooccurrence": "select co_descriptor_name, article_count from term_cooccurrence "
    "where descriptor_name = 'Humans' order by 2 desc limit 20",
    "substance_by_term": "select substance_name, sum(article_count) from substance_by_term "
    "where descriptor_name = 'Humans' group by all order by 2 desc limit 20",
    "author_summary": "select author_key, article_count from author_summary "
    "order by article_count desc limit 20",
}


def time_views(path: Path) -> list[tuple[str, int, float, float, float, float]]:
    """Per view: rows, full scan wall/CPU s, dashboard query wall/CPU s (read-only reader)."""
    reader = duckdb.connect(str(path), read_only=True)
    rows = []
    try:
        for view, query in DASHBOARD.items():
            times: dict[str, tuple[float, float]] = {}
            with timed("scan", times):
                count = reader.execute(FULL_SCAN.format(view=view)).fetchone()[0]
            with timed("query", times):
                reader.execute(query).fetchall()
            rows.append((view, count, *times["scan"], *times["query"]))
    finally:
        reader.close()
    return rows


REFRESH: dict[str, tuple[float, float]] = {}
"""Wall and CPU seconds spent in the aggregate refresh, per function, since the start."""


def instrument() -> None:
    """Time every call of the aggregate refresh the loader makes, into `REFRESH`."""
    for name in ("subtract", "add", "apply"):
        setattr(aggregates, name, _timed_call(name, getattr(aggregates, name)))


def _timed_call(name: str, function: Callable) -> Callable:
    def call(*args, **kwargs):
        with timed(name, REFRESH):
            return function(*args, **kwargs)

    return call


def apply_file(path: Path, db: Path, memory: str) -> tuple[float, float, float, float]:
    """Load one file as a load does; wall, CPU s of the load and of its refresh."""
    times: dict[str, tuple[float, float]] = {}
    before = [sum(t) for t in zip(*REFRESH.values(), strict=True)] or [0.0, 0.0]
    con = connect(db, memory_limit=memory)
    try:
        with timed("load", times):
            result = load_file(con, path)
    finally:
        con.close()
    if result.status != "loaded":
        raise RuntimeError(f"{path} was not loaded: {result.message}")
    after = [sum(t) for t in zip(*REFRESH.values(), strict=True)] or [0.0, 0.0]
    print(path.name, db.name, {k: (round(w, 2), round(c, 2)) for k, (w, c) in REFRESH.items()})
    return (*times["load"], after[0] - before[0], after[1] - before[1])


def build(db: Path, records: int) -> tuple[int, dict[str, tuple[float, float]]]:
    """The grown warehouse: corpus loaded, copies inserted, aggregates rebuilt; copies made."""
    times: dict[str, tuple[float, float]] = {}
    db.unlink(missing_ok=True)
    con = connect(db)
    try:
        for path in discover([SEED_DIR]):
            load_file(con, path)
        with timed("grow (bulk copies)", times):
            copies = grow(con, records)
        with timed("aggregates.rebuild", times):
            aggregates.rebuild(con)
        con.execute("checkpoint")
    finally:
        con.close()
    return copies, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=3_000_000)
    parser.add_argument("--quick", action="store_true", help="300,000 records")
    parser.add_argument("--load-memory", default="200MB", help="DuckDB memory of each file load")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the grown warehouse of the last run"
    )
    args = parser.parse_args()
    records = 300_000 if args.quick else args.records
    OUT.mkdir(parents=True, exist_ok=True)
    db, empty = OUT / "grown.duckdb", OUT / "empty.duckdb"
    if args.reuse:
        copies, build_times = int((OUT / "copies.txt").read_text()), {}
    else:
        copies, build_times = build(db, records)
        (OUT / "copies.txt").write_text(str(copies))
    seeds, seed_pmids = seed_records()
    new_pmids = list(range((copies + 2) * SHIFT, (copies + 2) * SHIFT + FILE_RECORDS))
    inserts = write_file(OUT / "pubmed90n0001.xml.gz", seeds, new_pmids, [])
    updates = write_file(
        OUT / "pubmed90n0002.xml.gz",
        seeds,
        update_pmids(seed_pmids, copies, FILE_RECORDS, 0),
        update_pmids(seed_pmids, copies, FILE_DELETES, copies // 2),
    )
    instrument()
    empty.unlink(missing_ok=True)
    files = [
        ("30,000 new records, empty warehouse", apply_file(inserts, empty, args.load_memory)),
        ("30,000 new records, grown warehouse", apply_file(inserts, db, args.load_memory)),
        ("30,000 replacements + 10,000 deletes, grown", apply_file(updates, db, args.load_memory)),
    ]
    report(db, records, build_times, files, time_views(db))


def report(
    db: Path,
    records: int,
    build_times: dict[str, tuple[float, float]],
    files: list[tuple[str, tuple[float, float, float, float]]],
    views: list[tuple[str, int, float, float, float, float]],
) -> None:
    """Print what was built and measured, as Markdown tables."""
    con = duckdb.connect(str(db), read_only=True)
    articles = con.execute("select count(*) from articles").fetchone()[0]
    sizes = [
        (table, con.execute(f"select count(*) from {table}").fetchone()[0])
        for table in ("terms", "authors", *aggregates.aggregate_tables())
    ]
    con.close()
    print(
        f"warehouse: {articles:,} articles (asked {records:,}), {db.stat().st_size / 2**30:.2f} GiB"
    )
    print("\n| step | wall s | CPU s |\n| --- | ---: | ---: |")
    for step, (wall, cpu) in build_times.items():
        print(f"| {step} | {wall:.1f} | {cpu:.1f} |")
    print("\n| table | rows |\n| --- | ---: |")
    for table, count in sizes:
        print(f"| {table} | {count:,} |")
    print("\n| file | load wall s | load CPU s | refresh wall s | refresh CPU s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, (wall, cpu, refresh_wall, refresh_cpu) in files:
        print(f"| {label} | {wall:.1f} | {cpu:.1f} | {refresh_wall:.2f} | {refresh_cpu:.2f} |")
    print("\n| view | rows | full scan wall s | CPU s | dashboard query wall s | CPU s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for view, count, scan_wall, scan_cpu, query_wall, query_cpu in views:
        print(
            f"| {view} | {count:,} | {scan_wall:.2f} | {scan_cpu:.2f} "
            f"| {query_wall:.2f} | {query_cpu:.2f} |"
        )


if __name__ == "__main__":
    main()
