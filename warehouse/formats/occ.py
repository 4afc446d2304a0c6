"""The NIH Open Citation Collection's file: a `citing,referenced` CSV, plain, gzipped or zipped.

Recognised from the file itself, before any text is decoded (a zip is not text, and the CSV is
too large to scan for its encoding); `warehouse.loading.citation_collection` loads it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from isal import igzip

from warehouse.formats.input_format import InputFormat
from warehouse.inputs import GZIP_MAGIC

OCC_FORMAT = "occ"
OCC_HEADER = b"citing,referenced"
ZIP_MAGIC = b"PK\x03\x04"


def is_citation_collection(path: Path) -> bool:
    """Whether the file is an OCC CSV (plain, gzipped, or the first member of a zip)."""
    with path.open("rb") as raw:
        magic = raw.read(4)
        raw.seek(0)
        if magic == ZIP_MAGIC:
            return zip_member(path) is not None
        if magic[:2] == GZIP_MAGIC:
            try:
                with igzip.IGzipFile(fileobj=raw, mode="rb") as stream:
                    return _is_header(stream.read(64))
            except (EOFError, OSError):
                return False
        return _is_header(raw.read(64))


def _is_header(head: bytes) -> bool:
    return head.removeprefix(b"\xef\xbb\xbf").startswith(OCC_HEADER)


def zip_member(path: Path) -> str | None:
    """The name of the zip's first CSV member whose header is `citing,referenced`."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                with archive.open(info) as member:
                    return info.filename if _is_header(member.read(64)) else None
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    return None


FORMAT = InputFormat(name=OCC_FORMAT, recognises_file=is_citation_collection)
