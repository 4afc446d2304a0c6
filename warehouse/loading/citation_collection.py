"""The NIH Open Citation Collection (iCite): `citing,referenced` PMID pairs, loaded whole by DuckDB.

iCite publishes the collection as `open_citation_collection.zip` holding one CSV of hundreds of
millions of pairs. A file is recognised by its content (`warehouse.formats.occ`): a CSV whose
header is `citing,referenced`, plain, gzipped, or the first member of a zip. DuckDB reads the
CSV itself (typed, in parallel, spilling beyond the load memory limit), so no pair passes
through Python;
a zip's member is first copied out beside the warehouse (a stream copy, deleted afterwards),
since DuckDB does not read zip archives. A snapshot replaces the loaded one whole in the
file's transaction: `occ_links` is dropped and filled again (sorted by citing PMID, so that a
file's articles find their pairs from zonemaps), `occ_snapshot` says which file it holds, the
citation aggregates are recomputed for every article, and the caller writes the
`ingested_files` row (format `occ`, `records` = pairs).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.errors import DamagedFile, UnsupportedFormat
from warehouse.formats.occ import ZIP_MAGIC, zip_member
from warehouse.inputs import GZIP_MAGIC
from warehouse.loading import aggregates
from warehouse.schema import read_sql

COPY_CHUNK_BYTES = 8 << 20

log = logging.getLogger(__name__)


@contextmanager
def pairs_csv(path: Path, scratch: Path) -> Iterator[Path]:
    """The CSV DuckDB reads: the file itself, or a zip's member copied into `scratch`."""
    with path.open("rb") as raw:
        is_zip = raw.read(4) == ZIP_MAGIC
    if not is_zip:
        yield path
        return
    member = zip_member(path)
    if member is None:
        raise UnsupportedFormat(f"{path}: a zip without a citing,referenced CSV")
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".occ-", dir=scratch) as folder:
        target = Path(folder) / Path(member).name
        try:
            with (
                zipfile.ZipFile(path) as archive,
                archive.open(member) as source,
                target.open("wb") as sink,
            ):
                shutil.copyfileobj(source, sink, COPY_CHUNK_BYTES)
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
            raise DamagedFile(f"{path}: the zip cannot be read to its end ({exc})") from exc
        log.info("%s: %s copied out (%d bytes)", path, member, target.stat().st_size)
        yield target


def load_citation_collection(
    con: duckdb.DuckDBPyConnection, path: Path, sha256: str, started: datetime, scratch: Path
) -> int:
    """Replace the loaded OCC snapshot by this file's pairs; returns the pairs loaded.

    Runs in the caller's open transaction. A value that is not a PMID, or a CSV cut short,
    raises `DamagedFile` (the caller rolls back and rejects the file).
    """
    with pairs_csv(path, scratch) as csv:
        con.execute("drop table if exists occ_links")
        con.execute("delete from occ_snapshot")
        con.execute(read_sql("tables/occ_links.sql"))
        try:
            with csv.open("rb") as head:
                compression = "gzip" if head.read(2) == GZIP_MAGIC else "none"
            sql = read_sql("load/occ_pairs.sql").format(compression=compression)
            con.execute(sql, [str(csv)])
        except (duckdb.ConversionException, duckdb.InvalidInputException) as exc:
            raise DamagedFile(f"{path}: not a whole citing,referenced CSV ({exc})") from exc
    con.execute(read_sql("load/occ_snapshot.sql"), [str(path), sha256, started])
    aggregates.refresh_citations(con, started)
    (pairs,) = con.execute("select pairs from occ_snapshot").fetchone()
    log.info("%s: %d citation pairs loaded", path, pairs)
    return pairs
