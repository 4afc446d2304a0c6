"""Format parsers: one module per input format, each with `parse(stream, batch_size)`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from warehouse.errors import UnsupportedFormat
from warehouse.formats.records import ParsedBatch

Parser = Callable[[BinaryIO, int], Iterator[ParsedBatch]]
FORMATS = ("xml", "medline", "abstract-text", "csv", "summary-text")


def parser_for(fmt: str) -> Parser:
    """The `parse` function of a format."""
    if fmt == "xml":
        from warehouse.formats import xml

        return xml.parse
    if fmt == "medline":
        from warehouse.formats import medline

        return medline.parse
    if fmt == "abstract-text":
        from warehouse.formats import abstract_text

        return abstract_text.parse
    if fmt == "csv":
        from warehouse.formats import pubmed_csv

        return pubmed_csv.parse
    if fmt == "summary-text":
        from warehouse.formats import summary_text

        return summary_text.parse
    raise UnsupportedFormat(f"no parser for format {fmt!r} yet")
