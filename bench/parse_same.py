"""Whether the XML parser at a git revision and the working tree's read files the same way.

`python -m bench.parse_same [--ref main] [FILE ...]`: parses each file with the revision's
`warehouse/formats/xml.py` (loaded from git as a module of its own) and with the working tree's,
normalizes both with the working tree's normalizer, and compares every table's frame exactly
(values, NULLs, dtypes, row order), the rejects, the deletions and the record counts. With no
FILE: every `*.xml` and `*.xml.gz` of the shared corpus (never its `holdout/`) and the bench
files. Exit code 1 when a file differs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from bench.run import OUT, REPO
from warehouse.formats import xml
from warehouse.inputs import open_input
from warehouse.loading.normalize import SourceInfo, normalize

CORPUS = REPO.parent / "shared" / "corpus"
BENCH_FILES = (OUT / "pubmed26n0001.xml.gz", OUT / "scale" / "pubmed26n0001.xml.gz")
LOADED_AT = datetime(2026, 1, 1)
BATCH = 1_000


@dataclass
class Reading:
    """Everything one parser made of one file, the frames of its batches concatenated."""

    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    rejects: list[tuple] = field(default_factory=list)
    deleted_pmids: list[int] = field(default_factory=list)
    records: int = 0
    error: str | None = None


def corpus_files() -> list[Path]:
    """The corpus's XML files (never descending into `holdout/`), then the bench files made."""
    found = []
    for folder, subfolders, names in os.walk(CORPUS):
        subfolders[:] = sorted(name for name in subfolders if name != "holdout")
        found += [Path(folder) / name for name in names if name.endswith((".xml", ".xml.gz"))]
    return sorted(found) + [path for path in BENCH_FILES if path.exists()]


def parser_at(ref: str) -> Callable[..., Iterator]:
    """The `parse` function of `warehouse/formats/xml.py` as it is at git revision `ref`."""
    source = subprocess.run(
        ["git", "show", f"{ref}:warehouse/formats/xml.py"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType(f"warehouse.formats.xml_at_{ref}")
    module.__file__ = f"{ref}:warehouse/formats/xml.py"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module.parse


def read(parse: Callable[..., Iterator], path: Path) -> Reading:
    """Parse and normalize a whole file; an error is kept as its type and message."""
    reading = Reading()
    source = SourceInfo("xml", path.name, None, LOADED_AT)
    parts: dict[str, list[pl.DataFrame]] = {}
    try:
        with open_input(path) as stream:
            for batch in parse(stream, BATCH):
                for table, frame in normalize(batch, source).items():
                    parts.setdefault(table, []).append(frame)
                reading.rejects += [
                    (r.position, r.pmid, r.reason, r.excerpt) for r in batch.rejects
                ]
                reading.deleted_pmids += batch.deleted_pmids
                reading.records += batch.records
    except Exception as exc:  # an error is an outcome to compare
        reading.error = f"{type(exc).__name__}: {exc}"
    reading.frames = {table: pl.concat(frames) for table, frames in parts.items()}
    return reading


def differences(old: Reading, new: Reading) -> list[str]:
    """What differs between two readings of one file (nothing: an empty list)."""
    found = [
        f"{name}: {getattr(old, name)!r:.120} != {getattr(new, name)!r:.120}"
        for name in ("error", "records", "rejects", "deleted_pmids")
        if getattr(old, name) != getattr(new, name)
    ]
    for table in sorted(set(old.frames) | set(new.frames)):
        before, after = old.frames.get(table), new.frames.get(table)
        if before is None or after is None or not before.equals(after, null_equal=True):
            rows = (
                len(before) if before is not None else None,
                len(after) if after is not None else None,
            )
            found.append(f"table {table} differs (rows {rows[0]} and {rows[1]})")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.parse_same", description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--ref", default="main", help="git revision of the parser to compare")
    args = parser.parse_args()
    old_parse = parser_at(args.ref)
    differing = 0
    for path in args.files or corpus_files():
        old, new = read(old_parse, path), read(xml.parse, path)
        found = differences(old, new)
        differing += bool(found)
        rows = sum(len(frame) for frame in new.frames.values())
        verdict = "DIFFERS" if found else "same"
        sys.stdout.write(f"{verdict}: {path} ({new.records:,} records, {rows:,} rows)\n")
        for line in found:
            sys.stdout.write(f"  {line}\n")
    sys.stdout.write(f"{differing} file(s) differ\n")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
