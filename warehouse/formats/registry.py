"""Every input format, listed once: detection, dispatch to a parser and the format rank read it.

Each format module declares its `FORMAT` (`warehouse.formats.input_format.InputFormat`); adding
a format is one new module and one line in `FORMATS`. Formats are tried in the list's order:
a Summary save also holds the `PMID:` lines a saved abstract page is recognised by, so it comes
before `abstract-text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from warehouse.errors import UnsupportedFormat
from warehouse.formats import abstract_text, medline, mesh, occ, pubmed_csv, summary_text, xml
from warehouse.formats.input_format import InputFormat, Parser
from warehouse.formats.records import ParsedBatch
from warehouse.formats.xml_parts import Part, part_stream, uncompressed_size
from warehouse.inputs import SNIFF_BYTES, open_input, read_head

FORMATS: tuple[InputFormat, ...] = (
    occ.FORMAT,
    xml.FORMAT,
    *mesh.FORMATS,
    medline.FORMAT,
    pubmed_csv.FORMAT,
    summary_text.FORMAT,
    abstract_text.FORMAT,
)
RANKED = tuple(sorted((fmt for fmt in FORMATS if fmt.rank is not None), key=lambda fmt: -fmt.rank))
"""The formats that hold records, richest first."""
RECORD_FORMATS = tuple(fmt.name for fmt in RANKED)
PMID_LIST = re.compile(rb"\A(?:\d{1,9}[ \t]*\r?\n)*\d{1,9}[ \t]*(?:\r?\n)?\Z")
NOT_PUBMED_XML = (
    "XML, but not PubMed XML "
    "(no PubmedArticleSet, PubmedArticle or MedlineCitationSet root) nor MeSH XML "
    "(DescriptorRecordSet, QualifierRecordSet, SupplementalRecordSet)"
)
NOT_RECORDS = (
    "a list of PMIDs, not records: download the records with "
    "`pubmed-warehouse fetch FILE`, or save them from PubMed as XML or 'PubMed format'"
)
NOT_A_FORMAT = (
    "not PubMed XML, MEDLINE (PMID- lines), a CSV or Summary save or a saved abstract page; "
    "save records from PubMed as XML, 'PubMed format' (.nbib), CSV or abstract text"
)
"""What a file that no format recognises is told (name a new format here too)."""


def detect_format(head: bytes) -> str:
    """Name the format of a file from its first bytes (the `name` of one of `FORMATS`)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise UnsupportedFormat("the file is empty")
    markup = text.startswith(b"<")
    for fmt in FORMATS:
        if fmt.markup == markup and fmt.recognises(text):
            return fmt.name
    if markup:
        raise UnsupportedFormat(NOT_PUBMED_XML)
    if PMID_LIST.match(text[: text.rfind(b"\n") + 1] if len(head) == SNIFF_BYTES else text):
        raise UnsupportedFormat(NOT_RECORDS)
    raise UnsupportedFormat(NOT_A_FORMAT)


def input_format(path: Path) -> str:
    """The format of a file: from the file itself (`recognises_file`), else from its first bytes.

    Raises `UnsupportedFormat` or `DamagedFile` (a `.gz` that cannot be decompressed), which
    reject the file whole.
    """
    for fmt in FORMATS:
        if fmt.recognises_file(path):
            return fmt.name
    return detect_format(read_head(path))


def parser_for(name: str) -> Parser:
    """The `parse` function of a record format."""
    parse = next((fmt.parse for fmt in FORMATS if fmt.name == name), None)
    if parse is None:
        raise UnsupportedFormat(f"no parser for format {name!r} yet")
    return parse


def read_batches(
    path: Path, name: str, batch_size: int, part: Part | None = None
) -> Iterator[ParsedBatch]:
    """Parsed batches of a file (or of one `part` of a PubMed XML file: `xml_parts`), read
    lazily (a damaged stream raises `DamagedFile`)."""
    with open_input(path) as stream:
        if part is not None:
            stream = part_stream(stream, part, uncompressed_size(path))
        yield from parser_for(name)(stream, batch_size)


def format_ranks() -> dict[str, list]:
    """The parameters `sql/load/decide.sql` ranks formats by: names and ranks, in step."""
    return {"formats": list(RECORD_FORMATS), "ranks": [fmt.rank for fmt in RANKED]}
