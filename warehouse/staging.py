"""Parse one file into a staging folder of Parquet files, away from the warehouse.

Parsers run in parallel processes (or on Dask workers) and never touch DuckDB: each writes its
file's normalized tables (one Parquet file per table, one row group per batch), its deletions,
its rejects and a `manifest.json`. The single writer in `warehouse.load` applies staged files in
`file_order_key` order, whatever order they finish in.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.errors import DamagedFile, UnsupportedFormat
from warehouse.formats import parser_for
from warehouse.formats.records import RECORD_TABLES, ParsedBatch
from warehouse.inputs import detect_format, file_order_key, open_input, read_head, sha256_of
from warehouse.normalize import SourceInfo, normalize_ahead

MANIFEST = "manifest.json"
DELETIONS = "deletions.parquet"
REJECTS = "rejects.parquet"
REJECT_SCHEMA = {
    "position": pl.Int64,
    "pmid": pl.Int64,
    "reason": pl.String,
    "excerpt": pl.String,
}


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
    status: str = "staged"
    records: int = 0
    rejected: int = 0
    message: str | None = None
    superseded: list[tuple[int, str, int]] = field(default_factory=list)
    """(pmid, table, first row kept): a PMID met again in a later batch drops its earlier rows."""

    def table_path(self, table: str) -> Path | None:
        """The Parquet file of a table, or None when the file has no rows for it."""
        path = Path(self.folder) / f"{table}.parquet"
        return path if path.exists() else None

    def extra_path(self, name: str) -> Path | None:
        path = Path(self.folder) / name
        return path if path.exists() else None


def stage_file(path: Path, folder: Path, batch_size: int = 1000) -> StagedFile:
    """Parse and normalize a whole file into `folder`; a bad file gives a `rejected` manifest."""
    started = datetime.now()
    folder.mkdir(parents=True, exist_ok=True)
    staged = StagedFile(
        str(folder), str(path), sha256_of(path), None, file_order_key(path), started
    )
    try:
        staged.format = detect_format(read_head(path))
        if staged.format.startswith("mesh-"):
            staged.status = "vocabulary"  # the writer reads MeSH files itself
        else:
            _write_tables(path, staged, batch_size)
    except (UnsupportedFormat, DamagedFile) as exc:
        _clear(folder)
        staged.status, staged.message = "rejected", str(exc)
        staged.records = staged.rejected = 0
        staged.superseded = []
    _write_manifest(staged)
    return staged


def _write_tables(path: Path, staged: StagedFile, batch_size: int) -> None:
    """Stream the file's batches into one Parquet writer per table."""
    info = SourceInfo(staged.format, staged.source_file, staged.file_order_key, staged.started)
    writers: dict[str, pq.ParquetWriter] = {}
    rows_written = dict.fromkeys(RECORD_TABLES, 0)
    seen: set[int] = set()
    deleted: list[int] = []
    rejects: list[pl.DataFrame] = []
    try:
        for batch, frames in normalize_ahead(_batches(path, staged.format, batch_size), info):
            _note_superseded(frames["articles"], seen, rows_written, staged)
            for table, frame in frames.items():
                if frame.height:
                    _write(writers, Path(staged.folder), table, frame.to_arrow())
                    rows_written[table] += frame.height
            deleted.extend(batch.deleted_pmids)
            rejects.append(_rejects_frame(batch))
            staged.records += batch.records
            staged.rejected += len(batch.rejects)
    finally:
        for writer in writers.values():
            writer.close()
    folder = Path(staged.folder)
    pl.DataFrame({"pmid": deleted}, schema={"pmid": pl.Int64}).write_parquet(folder / DELETIONS)
    pl.concat([_rejects_frame(ParsedBatch()), *rejects]).write_parquet(folder / REJECTS)


def _batches(path: Path, fmt: str, batch_size: int) -> Iterator[ParsedBatch]:
    with open_input(path) as stream:
        yield from parser_for(fmt)(stream, batch_size)


def _note_superseded(
    articles: pl.DataFrame, seen: set[int], rows_written: dict[str, int], staged: StagedFile
) -> None:
    """Remember PMIDs repeated from an earlier batch: their earlier rows must not load."""
    pmids = set(articles["pmid"].to_list())
    for pmid in sorted(pmids & seen):
        staged.superseded += [(pmid, table, rows_written[table]) for table in RECORD_TABLES]
    seen |= pmids


def _write(writers: dict[str, pq.ParquetWriter], folder: Path, table: str, arrow: pa.Table) -> None:
    if table not in writers:
        writers[table] = pq.ParquetWriter(folder / f"{table}.parquet", arrow.schema)
    writers[table].write_table(arrow)


def _rejects_frame(batch: ParsedBatch) -> pl.DataFrame:
    return pl.DataFrame(
        [(r.position, r.pmid, r.reason, r.excerpt) for r in batch.rejects],
        schema=REJECT_SCHEMA,
        orient="row",
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
