"""PubMed's "Save → Summary (text)": numbered records separated by a blank line, wrapped lines.

`1: Noma H, Gosho M. Outlier detection in network meta-analysis. Res Synth Methods. 2020 Sep
13. doi: 10.1002/jrsm.1455. Epub ahead of print. PMID: 32921002.` A record is authors (absent
for some), title, citation line, then `PMID:` (and `PMCID:`). Read with polars: a frame of lines,
records numbered by blank lines, each record's lines joined (a line that ends in a hyphen after a
letter was wrapped inside a word: `anti-` + `inflammatory`), then regular expressions over the
whole column. The save is at most 10,000 records, so it is read whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

import polars as pl

from warehouse.errors import DamagedFile
from warehouse.formats.input_format import InputFormat
from warehouse.formats.records import ParsedBatch
from warehouse.formats.saved_citation import (
    BOOK_CITATION,
    JOURNAL_CITATION,
    PERSON,
    SAVE_COLUMNS,
    SUFFIX,
    save_batch,
)

SUMMARY_RECORD = re.compile(rb"\A\d+: \S[^\n]*\n(?:.+\n)*?.*\bPMID: ?(?:\r?\n)?\d", re.MULTILINE)
"""`1: Authors. Title. Journal...` up to its `PMID:` (possibly wrapped), before a blank line."""
NUMBER = r"^\d+:\s+"
HEAD = r"^(.*?[.?!]) "
"""Authors and title, up to the citation; the title keeps its own final `.`, `?` or `!`."""


def parse(stream: BinaryIO, batch_size: int) -> Iterator[ParsedBatch]:
    """Yield batches of at most `batch_size` records from a Summary (text) save."""
    try:
        text = stream.read().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise DamagedFile(f"the Summary text is not UTF-8 ({exc})") from exc
    saves = _fields(_records(text))
    step = max(batch_size, 1)
    for start in range(0, max(saves.height, 1), step):
        yield save_batch(saves.slice(start, step))


def _records(text: str) -> pl.DataFrame:
    """One row per record: its lines joined (`raw`) and its position in the file."""
    lines = pl.DataFrame(
        {"line": text.replace("\r\n", "\n").split("\n")}, schema={"line": pl.String}
    )
    blank = pl.col("line").str.strip_chars() == ""
    return (
        lines.with_columns(record=blank.cum_sum())
        .filter(~blank)
        .group_by("record", maintain_order=True)
        .agg(pl.col("line").str.strip_chars_end().str.join("\n"))
        .select(
            position=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
            raw=pl.col("line"),
            text=pl.col("line")
            .str.replace_all(r"(\p{L}-)\n", "$1")
            .str.replace_all(r"\s+", " ")
            .str.replace(NUMBER, ""),
        )
    )


def _fields(records: pl.DataFrame) -> pl.DataFrame:
    """The save frame: PMID, PMCID, authors, title and citation cut from each record's text."""
    text = pl.col("text")
    journal_head = text.str.extract(HEAD + JOURNAL_CITATION, 1)
    book_head = text.str.extract(HEAD + BOOK_CITATION, 1)
    head = pl.coalesce(journal_head, book_head)
    citation = text.str.slice(head.str.len_chars() + 1)
    first = head.str.extract(r"^(.*?)\. ", 1)
    first_name = first.str.extract(r"^([^,;]*)", 1).str.strip_chars()
    has_authors = first_name.str.replace(SUFFIX, "").str.contains(PERSON).fill_null(False)
    frame = records.select(
        "position",
        "raw",
        pmid_text=text.str.extract(r"\bPMID: ?([^\s.;]+)", 1),
        title=pl.when(has_authors).then(head.str.slice(first.str.len_chars() + 2)).otherwise(head),
        authors=pl.when(has_authors).then(first),
        citation=citation,
        doi=pl.lit(None, pl.String),
        pmc_id=text.str.extract(r"\bPMCID: ?(PMC\d+)", 1),
        nihms_id=pl.lit(None, pl.String),
        create_date=pl.lit(None, pl.String),
    )
    return frame.select(pl.col(c).cast(t) for c, t in SAVE_COLUMNS.items())


def recognises(text: bytes) -> bool:
    """The file starts with a numbered record (`1: ...`) that reaches its `PMID:`."""
    return SUMMARY_RECORD.match(text) is not None


FORMAT = InputFormat(name="summary-text", recognises=recognises, rank=-1, parse=parse)
