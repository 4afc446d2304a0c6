"""What the benchmark measures, one contender per function; each runs in its own process.

`python -m bench.contenders NAME ARG...` runs one contender and prints one JSON line with the
records it read and the seconds it took; the parent measures the process's peak RSS.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from isal import igzip
from lxml import etree


def floor(paths: list[str]) -> int:
    """Decompress (isal) and iterparse every PubmedArticle, freeing it; no extraction."""
    records = 0
    for path in paths:
        with igzip.open(path, "rb") as stream:
            for _, elem in etree.iterparse(stream, events=("end",), tag="PubmedArticle"):
                records += 1
                elem.clear(keep_tail=False)
                parent = elem.getparent()
                while elem.getprevious() is not None:
                    del parent[0]
    return records


def peer(paths: list[str]) -> int:
    """pubmed_parser's parse of whole files into dicts (parse only, nothing loaded)."""
    import pubmed_parser

    return sum(sum(1 for _ in pubmed_parser.parse_medline_xml(path)) for path in paths)


def parse_normalize(paths: list[str]) -> int:
    """Our parser and normalizer as a parse process runs them: typed Arrow tables per batch,
    then dropped."""
    from datetime import datetime

    from warehouse.formats.registry import parser_for
    from warehouse.inputs import open_input
    from warehouse.loading.normalize import SourceInfo, normalized

    records = 0
    parse = parser_for("xml")
    for path in paths:
        info = SourceInfo("xml", path, None, datetime.now())
        with open_input(Path(path)) as stream:
            for batch, frames in normalized(parse(stream, 1000), info):
                for frame in frames.values():
                    frame.to_arrow()
                records += batch.records
    return records


def load(paths: list[str], workers: int | None = 1) -> int:
    """End-to-end load of the files into a fresh DuckDB warehouse, with `workers` parsers
    (None: the CLI's default, one per core), the aggregates' adds batched across files and
    settled at the end as the CLI's run does (`WriterSession`)."""
    from warehouse.config import Settings
    from warehouse.db import connect
    from warehouse.loading.aggregates import settled_or_kept_pending
    from warehouse.loading.parallel import load_files

    settings = Settings()
    batch = settings.aggregate_batch_pmids if len(paths) > 1 else 0
    with tempfile.TemporaryDirectory(dir=Path(paths[0]).parent) as folder:
        con = connect(Path(folder) / "bench.duckdb", memory_limit=settings.load_memory_limit)
        try:
            files = [Path(p) for p in paths]
            results = load_files(con, files, workers=workers, aggregate_batch_pmids=batch)
            settled_or_kept_pending(con)
        finally:
            con.close()
    return sum(r.records for r in results)


def cli(paths: list[str]) -> int:
    """`pubmed-warehouse load FILE...` into a fresh warehouse, as a user runs it: the installed
    script in its own process (whose parse processes import what the script imports), no
    Prefect API set (the plain run), its readers' snapshot published at the end."""
    import subprocess

    import duckdb

    script = Path(sys.executable).with_name("pubmed-warehouse")
    with tempfile.TemporaryDirectory(dir=Path(paths[0]).parent) as folder:
        db = Path(folder) / "bench.duckdb"
        command = [str(script), "load", *paths, "--db", str(db)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute("select sum(records) from ingested_files").fetchone()[0]


CONTENDERS: dict[str, Callable[..., int]] = {
    "floor": floor,
    "peer": peer,
    "parse_normalize": parse_normalize,
    "load": lambda paths: load(paths, 1),
    "load_2_workers": lambda paths: load(paths, 2),
    "load_default_workers": lambda paths: load(paths, None),
    "cli": cli,
}


def main(argv: list[str]) -> None:
    """Run one contender over the files named on the command line; print records and seconds."""
    name, paths = argv[0], argv[1:]
    started = time.perf_counter()
    records = CONTENDERS[name](paths)
    seconds = time.perf_counter() - started
    sys.stdout.write(json.dumps({"records": records, "seconds": seconds}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
