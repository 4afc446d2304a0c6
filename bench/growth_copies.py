"""Staged files derived from a staged scale file, to grow a warehouse without parsing again.

A staged file (`warehouse.loading.staging.stage_file`) is a folder of Parquet files, one per table.
A copy shifts every `pmid` (and the identifiers built from it: `article_ids` of type pubmed,
doi and pmc, `articles.doi` and `pmc_id`) and gets its own file name, NLM file number and
SHA-256, so the writer takes it for a new file. The PMIDs its references and comments or
corrections cite (`ref_pmid`, all in the scale files' PMID range) are shifted by the same map,
so the citation graph holds in every copy: copies of the base files fill consecutive slots in
base order, so a link into an earlier base file lands in the copy of that file just before; a
link the map sends below PMID 1 (an update copy's, into an earlier file) becomes NULL. An
update copy maps the records onto PMIDs already loaded, spread over the whole range, with
changed record hashes (a replacement for each). A copy may take a slice of a base file, so one
staged file can mix new records, revisions and a `DeleteCitation`, as NLM's daily update files
do. A delete file holds only a `DeleteCitation` list. Columns are rewritten with polars
expressions and streamed to Parquet (`sink_parquet`); nothing is parsed again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from warehouse.formats.records import RECORD_TABLES
from warehouse.loading.staging import DELETIONS, MANIFEST, StagedFile

CITING_TABLES = ("references", "comments_corrections")
"""Tables whose `ref_pmid` names another record of the scale files."""


class UnusableBase(Exception):
    """A staged file that cannot be copied (rejected, or repeating a PMID inside itself)."""


@dataclass
class PmidMap:
    """New PMID = (pmid - base_first) * stride + offset, for one copy of a base file; with
    `count`, only the base's records `skip` to `skip + count` (in PMID order) are copied."""

    base_first: int
    stride: int
    offset: int
    skip: int = 0
    count: int | None = None

    def expr(self, column: str = "pmid") -> pl.Expr:
        return (pl.col(column) - self.base_first) * self.stride + self.offset

    def kept(self) -> pl.Expr:
        """The base's rows this copy takes (all of them without `count`)."""
        low = self.base_first + self.skip
        if self.count is None:
            return pl.col("pmid") >= low
        return pl.col("pmid").is_between(low, low + self.count, closed="left")

    def cited(self) -> pl.Expr:
        """`ref_pmid` mapped like the records; NULL when it falls below PMID 1."""
        mapped = self.expr("ref_pmid")
        return pl.when(mapped >= 1).then(mapped).alias("ref_pmid")


def load_staged(folder: Path) -> StagedFile | None:
    """The staged file described by a folder's manifest, or None when there is none."""
    manifest = folder / MANIFEST
    if not manifest.exists():
        return None
    fields = json.loads(manifest.read_text(encoding="utf-8"))
    fields["started"] = datetime.fromisoformat(fields["started"])
    fields["superseded"] = [tuple(s) for s in fields["superseded"]]
    return StagedFile(**fields)


def first_pmid(base: StagedFile) -> tuple[int, int]:
    """Smallest PMID and record count of a usable base file."""
    if base.status != "staged" or base.superseded:
        raise UnusableBase(f"{base.source_file}: {base.status}, {len(base.superseded)} repeats")
    path = base.table_path("articles")
    row = pl.scan_parquet(path).select(pl.col("pmid").min(), pl.len()).collect().row(0)
    return row[0], row[1]


def _restamp(table: str, frame: pl.LazyFrame, name: str, key: str) -> pl.LazyFrame:
    """Identifiers derived from the PMID, and the file an article came from."""
    pmid = pl.col("pmid").cast(pl.String)
    if table == "articles":
        return frame.with_columns(
            doi=pl.coalesce(pl.col("doi").str.extract(r"^(.*/pwb\.)\d+$") + pmid, "doi"),
            pmc_id=pl.when(pl.col("pmc_id").is_not_null()).then("PMC" + pmid),
            source_file=pl.lit(name),
            file_order_key=pl.lit(key),
        )
    if table == "article_ids":
        kind = pl.col("id_type")
        return frame.with_columns(
            id_value=pl.when(kind == "pubmed")
            .then(pmid)
            .when(kind == "pmc")
            .then("PMC" + pmid)
            .when(kind == "doi")
            .then(
                pl.coalesce(pl.col("id_value").str.extract(r"^(.*/pwb\.)\d+$") + pmid, "id_value")
            )
            .otherwise(pl.col("id_value"))
        )
    return frame


def _manifest(folder: Path, name: str, key: str, records: int) -> StagedFile:
    """Write the manifest of a derived staged file; its SHA-256 is made from its name."""
    staged = StagedFile(
        str(folder),
        name,
        hashlib.sha256(f"growth copy {name}".encode()).hexdigest(),
        "xml",
        key,
        datetime.now(),
        records=records,
    )
    text = json.dumps(staged.__dict__, default=str, indent=1)
    (folder / MANIFEST).write_text(text, encoding="utf-8")
    return staged


def nlm_name(number: int) -> tuple[str, str]:
    """File name and `file_order_key` of NLM file `number` of 2026."""
    return f"pubmed26n{number:04d}.xml.gz", f"26n{number:05d}"


def write_copy(
    bases: list[StagedFile],
    maps: list[PmidMap],
    folder: Path,
    number: int,
    *,
    rehash: bool,
    deleted: pl.Series | None = None,
) -> StagedFile:
    """One staged file holding base `i` mapped by `maps[i]` for each i (streamed to Parquet),
    ending in a DeleteCitation of `deleted` when given, as NLM's update files do."""
    folder.mkdir(parents=True, exist_ok=True)
    name, key = nlm_name(number)
    for table in RECORD_TABLES:
        parts = []
        for base, pmid_map in zip(bases, maps, strict=True):
            path = base.table_path(table)
            if path is not None:
                frame = pl.scan_parquet(path).filter(pmid_map.kept())
                frame = frame.with_columns(pmid_map.expr())
                if table in CITING_TABLES:
                    frame = frame.with_columns(pmid_map.cited())
                parts.append(_restamp(table, frame, name, key))
        if parts:
            frame = pl.concat(parts)
            if rehash and table == "articles":
                frame = frame.with_columns(record_hash=pl.col("record_hash") + "-update")
            frame.sink_parquet(folder / f"{table}.parquet")
    if deleted is not None:
        pl.DataFrame({"pmid": deleted.cast(pl.Int64)}).write_parquet(folder / DELETIONS)
    records = sum(
        b.records - m.skip if m.count is None else m.count for b, m in zip(bases, maps, strict=True)
    )
    return _manifest(folder, name, key, records)


def write_deletions(pmids: pl.Series, folder: Path, number: int) -> StagedFile:
    """A staged file that holds only a DeleteCitation of `pmids`."""
    folder.mkdir(parents=True, exist_ok=True)
    pl.DataFrame({"pmid": pmids.cast(pl.Int64)}).write_parquet(folder / DELETIONS)
    name, key = nlm_name(number)
    return _manifest(folder, name, key, 0)
