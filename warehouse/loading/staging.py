"""Parse one file into a staging folder of Parquet files, away from the warehouse.

Parsers run in parallel processes (or on Dask workers) and never touch DuckDB: each writes its
file's normalized tables (one Parquet file per table, one row group per batch), its deletions,
its rejects and a `manifest.json`. The single writer in `warehouse.loading.load` applies staged
files in `file_order_key` order, whatever order they finish in.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.errors import DamagedFile, UnsupportedFormat
from warehouse.formats.occ import OCC_FORMAT
from warehouse.formats.records import RECORD_TABLES, Reject
from warehouse.formats.registry import input_format, read_batches
from warehouse.formats.xml_parts import Part
from warehouse.inputs import file_order_key, sha256_of
from warehouse.ledger import StagedStatus
from warehouse.loading.normalize import SourceInfo, normalized
from warehouse.schema import table_schemas

MANIFEST = "manifest.json"
DELETIONS = "deletions.parquet"
REJECTS = "rejects.parquet"
WHOLE_FILE_ERRORS = (UnsupportedFormat, DamagedFile)
"""Errors that reject a file whole: not a supported format, or not readable to its end."""


@dataclass
class StagedFile:
    """A parsed file waiting in its staging folder; `status`: `staged`, `rejected`, `vocabulary`.

    A `vocabulary` (MeSH) file is not staged: the writer reads it itself.
    """

    folder: str
    source_file: str
    sha256: str
    format: str | None
    file_order_key: str | None
    started: datetime
    status: StagedStatus = StagedStatus.STAGED
    records: int = 0
    rejected: int = 0
    message: str | None = None
    superseded: list[tuple[int, str, int]] = field(default_factory=list)
    """(pmid, table, first row kept): a PMID met again in a later batch drops its earlier rows."""
    rows: dict[str, int] = field(default_factory=dict)
    """Staged rows per table."""
    parts: list[str] = field(default_factory=list)
    """The folders of the parts a file was parsed in (`join_parts`), whose tables it reads."""

    def table_path(self, table: str) -> Path | None:
        """The Parquet file of a table of a file staged whole, or None when it has no rows."""
        paths = self.table_paths(table)
        return paths[0] if paths else None

    def table_paths(self, table: str) -> list[Path]:
        """The Parquet files of a table, in file order; none when the file has no rows for it."""
        folders = self.parts or [self.folder]
        return [p for f in folders if (p := Path(f) / f"{table}.parquet").exists()]

    def extra_path(self, name: str) -> Path | None:
        path = Path(self.folder) / name
        return path if path.exists() else None


class SupersededRecords:
    """The rule that a PMID met again later in a file keeps its later record, for both loaders.

    Fed each batch's frames in file order, it notes `(pmid, table, keep_from)` for every PMID an
    earlier batch already brought: that table's staged rows before row `keep_from` must not load
    (`sql/load/drop_superseded.sql`). Within one batch the parser already keeps the later record.
    """

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.rows = dict.fromkeys(RECORD_TABLES, 0)
        self.superseded: list[tuple[int, str, int]] = []

    def note(self, frames: dict[str, pl.DataFrame]) -> None:
        """Account for one batch's frames, in the order they are staged."""
        pmids = set(frames["articles"]["pmid"].to_list())
        self.add(pmids, {table: frame.height for table, frame in frames.items()})

    def add(self, pmids: set[int], rows: dict[str, int]) -> None:
        """Account for the next `rows` staged per table, which hold the records of `pmids`."""
        for pmid in sorted(pmids & self.seen):
            self.superseded += [(pmid, table, self.rows[table]) for table in RECORD_TABLES]
        self.seen |= pmids
        for table, count in rows.items():
            self.rows[table] += count


def stage_file(
    path: Path, folder: Path, batch_size: int = 1000, part: Part | None = None
) -> StagedFile:
    """Parse and normalize a whole file (or one `part` of a PubMed XML file) into `folder`; a
    bad file gives a `rejected` manifest."""
    started = datetime.now()
    folder.mkdir(parents=True, exist_ok=True)
    staged = StagedFile(
        str(folder), str(path), sha256_of(path), None, file_order_key(path), started
    )
    try:
        staged.format = input_format(path)
        if staged.format.startswith("mesh-") or staged.format == OCC_FORMAT:
            staged.status = StagedStatus.VOCABULARY  # the writer reads these files itself
        else:
            _write_tables(path, staged, batch_size, part)
    except WHOLE_FILE_ERRORS as exc:
        _clear(folder)
        staged.status, staged.message = StagedStatus.REJECTED, str(exc)
        staged.records = staged.rejected = 0
        staged.superseded = []
    _write_manifest(staged)
    return staged


def join_parts(parts: list[StagedFile], folder: Path, batch_size: int = 1000) -> StagedFile:
    """The staged file whose parts (`xml_parts`) were parsed side by side into `parts`, in
    order: their tables are read in that order, a PMID a later part brings again drops its
    earlier rows (`SupersededRecords`), and rejects count their `position` from the file's
    start. A part that could not be read has the file parsed whole, here, so that the file
    is told what a whole parse would tell it (which record broke off, or why it is refused)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    if any(p.status != StagedStatus.STAGED for p in parts):
        for staged in parts:
            remove_staged(staged)
        return stage_file(Path(first.source_file), folder / "whole", batch_size)
    joined = StagedFile(
        str(folder),
        first.source_file,
        first.sha256,
        first.format,
        first.file_order_key,
        min(p.started for p in parts),
        parts=[p.folder for p in parts],
    )
    superseded = SupersededRecords()
    rejects, deletions = [], []
    for staged in parts:
        joined.superseded += [(p, t, k + superseded.rows[t]) for p, t, k in staged.superseded]
        articles = staged.table_paths("articles")
        pmids = pl.read_parquet(articles[0], columns=["pmid"])["pmid"] if articles else []
        superseded.add(set(pmids), staged.rows)
        position = pl.col("position") + joined.records
        rejects.append(pl.read_parquet(Path(staged.folder) / REJECTS).with_columns(position))
        deletions.append(pl.read_parquet(Path(staged.folder) / DELETIONS))
        joined.records += staged.records
        joined.rejected += staged.rejected
    joined.superseded += superseded.superseded
    joined.rows = superseded.rows
    pl.concat(rejects).write_parquet(folder / REJECTS)
    pl.concat(deletions).write_parquet(folder / DELETIONS)
    _write_manifest(joined)
    return joined


def _write_tables(path: Path, staged: StagedFile, batch_size: int, part: Part | None) -> None:
    """Stream the file's batches into one Parquet writer per table."""
    info = SourceInfo(staged.format, staged.source_file, staged.file_order_key, staged.started)
    writers: dict[str, pq.ParquetWriter] = {}
    superseded = SupersededRecords()
    deleted: list[int] = []
    rejects: list[pl.DataFrame] = []
    try:
        batches = read_batches(path, staged.format, batch_size, part)
        for batch, frames in normalized(batches, info):
            superseded.note(frames)
            for table, frame in frames.items():
                if frame.height:
                    _write(writers, Path(staged.folder), table, frame.to_arrow())
            deleted.extend(batch.deleted_pmids)
            rejects.append(rejects_frame(batch.rejects))
            staged.records += batch.records
            staged.rejected += len(batch.rejects)
    finally:
        for writer in writers.values():
            writer.close()
    staged.superseded, staged.rows = superseded.superseded, superseded.rows
    folder = Path(staged.folder)
    pl.DataFrame({"pmid": deleted}, schema={"pmid": pl.Int64}).write_parquet(folder / DELETIONS)
    pl.concat([rejects_frame([]), *rejects]).write_parquet(folder / REJECTS)


def _write(writers: dict[str, pq.ParquetWriter], folder: Path, table: str, arrow: pa.Table) -> None:
    if table not in writers:
        writers[table] = pq.ParquetWriter(folder / f"{table}.parquet", arrow.schema)
    writers[table].write_table(arrow)


def rejects_frame(rejects: list[Reject]) -> pl.DataFrame:
    """The columns of `rejects` a record gives (the fields of `Reject`, typed as
    `sql/tables/rejects.sql` declares them); the loader adds those its file gives."""
    declared = table_schemas()["rejects"]
    return pl.DataFrame(
        {f.name: [getattr(r, f.name) for r in rejects] for f in fields(Reject)},
        schema={f.name: declared[f.name] for f in fields(Reject)},
    )


def _clear(folder: Path) -> None:
    for item in folder.iterdir():
        item.unlink()


def _write_manifest(staged: StagedFile) -> None:
    text = json.dumps(asdict(staged), default=str, indent=1)
    (Path(staged.folder) / MANIFEST).write_text(text, encoding="utf-8")


def remove_staged(staged: StagedFile) -> None:
    """Delete a staging folder once its file is applied."""
    shutil.rmtree(staged.folder, ignore_errors=True)
