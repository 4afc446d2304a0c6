"""What each format module declares as its `FORMAT`: name, rank, how it is recognised and read.

`warehouse.formats.registry` lists every module's `FORMAT`; detection, the parser look-up and
the format rank of `sql/load/decide.sql` all read that one list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warehouse.formats.records import ParsedBatch

Parser = Callable[[BinaryIO, int], Iterator[ParsedBatch]]


def never(_: object) -> bool:
    """A recogniser that recognises nothing (the format is recognised the other way)."""
    return False


@dataclass(frozen=True)
class InputFormat:
    """One input format, as `source_format`, `ingested_files.format` and `rejects.format` name it.

    A file is recognised by `recognises_file` (from the file itself, before any text is decoded)
    or by `recognises` (from its first 64 KiB, decompressed, as UTF-8, without a BOM or leading
    blanks); `markup` formats are tried only on text that starts with `<`, the others only on
    text that does not.
    """

    name: str
    recognises: Callable[[bytes], bool] = never
    recognises_file: Callable[[Path], bool] = never
    markup: bool = False
    rank: int | None = None
    """Richness of a record format: a record is not replaced by the same version of it in a
    format of lower rank. None for files that hold no records."""
    parse: Parser | None = None
    """Batches of records from the file's stream; None for a file its own loader reads."""
