"""One PubMed XML file read as `count` parts, so that several processes parse it side by side.

Part `index` holds the records that start in the `index`th `count`th of the file's
decompressed bytes: it begins at the first record start (`<PubmedArticle>`,
`<PubmedBookArticle>` or `<DeleteCitation>`) at or after byte `total * index // count` and ends
at the first one at or after the next part's threshold. Every part applies the same rule to the
same bytes, so the parts meet exactly: each record is in one part, in file order. A part after
the first is given the file's prolog (declaration, DOCTYPE, `<PubmedArticleSet>`) and every
part but the last a closing `</PubmedArticleSet>`, so each is a whole document for the parser.

`total` only balances the parts: a gzip's size field (wrong for a multi-member gzip or above
4 GiB) or a file's size. Whatever it is, the parts still meet. A record start inside a comment
could misplace a boundary; the part then fails to parse and the file is parsed whole instead
(`warehouse.loading.staging.join_parts`).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warehouse.inputs import GZIP_MAGIC, read_head

RECORD_START = re.compile(rb"<(?:PubmedArticle|PubmedBookArticle|DeleteCitation)[\s>]")
ROOT = b"<PubmedArticleSet"
EPILOG = b"</PubmedArticleSet>\n"
READ_BYTES = 1 << 20
OVERLAP = 32
"""Bytes kept back between reads: longer than any record start, so none is cut in two."""


@dataclass(frozen=True)
class Part:
    """Which part of a file to read: `index` of `count` (0-based)."""

    index: int
    count: int


def splittable(path: Path) -> bool:
    """True when `path` is PubMed XML whose first bytes hold its root and a record start."""
    head = read_head(path)
    root = head.find(ROOT)
    return root >= 0 and RECORD_START.search(head, root) is not None


def uncompressed_size(path: Path) -> int:
    """The decompressed size a gzip's trailer gives (modulo 4 GiB), else the file's size."""
    with path.open("rb") as raw:
        if raw.read(2) != GZIP_MAGIC:
            return path.stat().st_size
        raw.seek(-4, 2)
        return struct.unpack("<I", raw.read(4))[0]


def part_stream(stream: BinaryIO, part: Part, total: int) -> BinaryIO:
    """The bytes of `part` of the decompressed `stream`, as a readable file object."""
    return _ChunkReader(_part_chunks(_Scanner(stream), part, total))


def _part_chunks(scanner: _Scanner, part: Part, total: int) -> Iterator[bytes]:
    last = part.index == part.count - 1
    prolog = b"".join(scanner.until_record(0))
    if scanner.at_end:  # not one record: every part is the whole (empty) document
        yield prolog
        return
    if part.index == 0:
        yield prolog
    else:
        for _ in scanner.until_record(total * part.index // part.count):
            pass  # the earlier parts' records
        yield prolog
        if scanner.at_end:
            yield EPILOG
            return
    if last:
        yield from scanner.rest()
        return
    yield from scanner.until_record(total * (part.index + 1) // part.count)
    yield EPILOG


class _Scanner:
    """A decompressed stream read forward, stopping at record starts."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._buffer = b""
        self._offset = 0  # the stream offset of `_buffer[0]`
        self.at_end = False

    def until_record(self, at: int) -> Iterator[bytes]:
        """The bytes up to the first record start at or after offset `at`; the scanner stops
        there (or at the end: then `at_end`)."""
        while True:
            found = RECORD_START.search(self._buffer, max(0, at - self._offset))
            if found is not None:
                yield self._take(found.start())
                return
            if len(self._buffer) > OVERLAP:  # no record starts before the last OVERLAP bytes
                yield self._take(len(self._buffer) - OVERLAP)
            if not self._read():
                yield self._take(len(self._buffer))
                self.at_end = True
                return

    def rest(self) -> Iterator[bytes]:
        """Every byte from here to the end."""
        yield self._take(len(self._buffer))
        while chunk := self._stream.read(READ_BYTES):
            yield chunk
        self.at_end = True

    def _read(self) -> bool:
        chunk = self._stream.read(READ_BYTES)
        self._buffer += chunk
        return bool(chunk)

    def _take(self, size: int) -> bytes:
        taken, self._buffer = self._buffer[:size], self._buffer[size:]
        self._offset += size
        return taken


class _ChunkReader:
    """`read(size)` over an iterator of byte chunks (what `lxml.etree.iterparse` reads); a
    read returns at most the rest of one chunk, and b"" only at the end."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._chunk = b""
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        while self._at >= len(self._chunk):
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._chunk, self._at = chunk, 0
        end = len(self._chunk) if size < 0 else self._at + size
        taken = self._chunk[self._at : end]
        self._at += len(taken)
        return taken
