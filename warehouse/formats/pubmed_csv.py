"""PubMed's "Save → CSV" (`PMID,Title,Authors,Citation,...,DOI`) and the older "Send to → File →
CSV" layout (`Title,URL,Description,Details,...,EntrezUID,Properties`, a trailing empty field).

Read with polars `read_csv` (PubMed saves at most 10,000 records, so a save is read whole) and
brought to the frame `saved_citation` turns into rows. CRLF, a lone LF after the header, a BOM
and no final newline are all read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

import polars as pl

from warehouse.errors import DamagedFile
from warehouse.formats.input_format import InputFormat
from warehouse.formats.records import ParsedBatch
from warehouse.formats.saved_citation import SAVE_COLUMNS, save_batch
from warehouse.inputs import decode_utf8

CSV_HEADERS = (
    b"PMID,Title,Authors,Citation,First Author,Journal/Book,Publication Year,Create Date,",
    b"Title,URL,Description,Details,ShortDetails,Resource,Type,Identifiers,Db,EntrezUID,",
)
"""The start of `HEADER` and of `LEGACY_HEADER`, as a file's first bytes."""
HEADER = (
    "PMID",
    "Title",
    "Authors",
    "Citation",
    "First Author",
    "Journal/Book",
    "Publication Year",
    "Create Date",
    "PMCID",
    "NIHMS ID",
    "DOI",
)
LEGACY_HEADER = (
    "Title",
    "URL",
    "Description",
    "Details",
    "ShortDetails",
    "Resource",
    "Type",
    "Identifiers",
    "Db",
    "EntrezUID",
    "Properties",
)
TITLE_END = r"[.?!]$"


def parse(stream: BinaryIO, batch_size: int) -> Iterator[ParsedBatch]:
    """Yield batches of at most `batch_size` records from a PubMed CSV save."""
    data = stream.read().removeprefix(b"\xef\xbb\xbf")
    header = tuple(decode_utf8(data.split(b"\n", 1)[0]).strip().split(","))
    try:
        saves = _current(data) if header == HEADER else _legacy(data, header)
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        raise DamagedFile(f"the CSV cannot be read to its end: {exc}") from exc
    saves = saves.with_columns(position=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))
    saves = saves.select(pl.col(c).cast(t) for c, t in SAVE_COLUMNS.items())
    step = max(batch_size, 1)
    for start in range(0, max(saves.height, 1), step):
        yield save_batch(saves.slice(start, step))


def _read(data: bytes, names: tuple[str, ...], skip_header: bool) -> pl.DataFrame:
    """Every field as text (no type guessing), named; the raw row rebuilt for hash and excerpt."""
    frame = pl.read_csv(
        io.BytesIO(data),
        has_header=False,
        skip_rows=1 if skip_header else 0,
        new_columns=list(names),
        schema={name: pl.String for name in names},
        encoding="utf8",
    )
    return frame.with_columns(raw=pl.concat_str(pl.all().fill_null(""), separator=","))


def _current(data: bytes) -> pl.DataFrame:
    """The current layout; PubMed drops a title's final period, which NLM's title has."""
    frame = _read(data, HEADER, skip_header=True)
    title = pl.col("Title").str.strip_chars()
    return frame.select(
        "raw",
        pmid_text="PMID",
        title=pl.when(title.str.contains(TITLE_END) | (title == ""))
        .then(title)
        .otherwise(title + "."),
        authors="Authors",
        citation="Citation",
        doi="DOI",
        pmc_id="PMCID",
        nihms_id="NIHMS ID",
        create_date=pl.col("Create Date").str.replace_all("/", "-"),
    )


def _legacy(data: bytes, header: tuple[str, ...]) -> pl.DataFrame:
    """The older layout: every row has one field more than its header, and it must be empty."""
    if header != LEGACY_HEADER:
        raise DamagedFile(
            "a CSV whose header is not PubMed's (expected "
            f"{','.join(HEADER)!r} or the older {','.join(LEGACY_HEADER)!r})"
        )
    frame = _read(data, (*LEGACY_HEADER, "trailing"), skip_header=True)
    if frame.filter(pl.col("trailing").fill_null("") != "").height:
        raise DamagedFile("a row of the older PubMed CSV has a value after its last column")
    return frame.select(
        "raw",
        pmid_text="EntrezUID",
        title="Title",
        authors="Description",
        citation="Details",
        doi=pl.lit(None, pl.String),
        pmc_id=pl.col("Identifiers").str.extract(r"PMCID:\s*(PMC\d+)", 1),
        nihms_id=pl.lit(None, pl.String),
        create_date=pl.col("Properties")
        .str.extract(r"create date:\s*(\d{4}/\d{2}/\d{2})", 1)
        .str.replace_all("/", "-"),
    )


def recognises(text: bytes) -> bool:
    """The file starts with the header of PubMed's CSV save (today's or the older one)."""
    return text.startswith(CSV_HEADERS)


FORMAT = InputFormat(name="csv", recognises=recognises, rank=0, parse=parse)
