"""Input files: opening (`.gz` transparent, text transcoded to UTF-8), identity and order.

Which format a file is in is `warehouse.formats.registry`'s business.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from isal import igzip

from warehouse.errors import DamagedFile, UndecodableText, UnsupportedFormat

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 64 * 1024
NLM_FILE = re.compile(r"(?:pubmed|medline)(\d{2})n(\d{4,5})", re.IGNORECASE)
SCAN_BYTES = 1 << 20
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
"""A multi-byte UTF-8 character: in a file that is not valid UTF-8, a sign of mixed encodings."""
NOT_CP1252 = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f\x81\x8d\x8f\x90\x9d]")
"""Bytes that no cp1252 text holds: control characters and the five undefined codes."""


@contextmanager
def open_input(path: Path) -> Iterator[BinaryIO]:
    """Open a file for reading as UTF-8 bytes, decompressing gzip (detected by its magic bytes).

    Text formats in UTF-16, or in Latin-1/cp1252 when that can be told reliably, are
    transcoded to UTF-8 (`text_encoding`); XML is passed as it is (it declares its encoding).
    """
    encoding = text_encoding(path)
    with _open_bytes(path) as stream:
        if encoding is None:
            yield stream
        else:
            yield codecs.EncodedFile(stream, "utf-8", encoding)


@contextmanager
def _open_bytes(path: Path) -> Iterator[BinaryIO]:
    """The file's bytes, gunzipped when it starts with the gzip magic."""
    with path.open("rb") as raw:
        magic = raw.read(2)
        raw.seek(0)
        if magic == GZIP_MAGIC:
            with igzip.IGzipFile(fileobj=raw, mode="rb") as stream:
                yield stream
        else:
            yield raw


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """The first `size` decompressed bytes of a file, as UTF-8 (UTF-16 XML too, to sniff it)."""
    try:
        with open_input(path) as stream:
            head = stream.read(size)
    except (EOFError, OSError) as exc:
        raise _damaged(path, exc) from exc
    wide = _utf16_variant(head)
    if wide is None:
        return head
    try:
        return codecs.getincrementaldecoder(wide)().decode(head, final=False).encode("utf-8")
    except UnicodeDecodeError:
        return head


def read_excerpt(path: Path, size: int) -> str | None:
    """The start of a file as text, for a reject's excerpt; None when it cannot be read."""
    try:
        head = read_head(path, size)
    except (DamagedFile, UnsupportedFormat):
        return None
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:  # XML in another encoding: its own parser reads it
        return None


def decode_utf8(data: bytes) -> str:
    """Text of UTF-8 bytes; undecodable bytes make the file damaged (never U+FFFD)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DamagedFile(
            f"not valid UTF-8: byte 0x{exc.object[exc.start]:02X} cannot be decoded"
        ) from exc


def _damaged(path: Path, exc: Exception) -> DamagedFile:
    return DamagedFile(
        f"{path}: cannot be decompressed ({exc}); the .gz file is damaged or cut short: "
        "download it again"
    )


def text_encoding(path: Path) -> str | None:
    """The encoding to transcode a text file from; None to read it as UTF-8, as it is.

    UTF-8 (with or without BOM) and XML give None; a UTF-16 BOM (or NUL bytes every other
    byte) gives UTF-16; other bytes that are not UTF-8 give cp1252 when the file has no
    UTF-8 character at all and no byte cp1252 lacks, else `UndecodableText` naming the first
    bad byte's offset (in the decompressed file).
    """
    try:
        with _open_bytes(path) as stream:
            head = stream.read(4096)
    except (EOFError, OSError) as exc:
        raise _damaged(path, exc) from exc
    wide = _utf16_variant(head)
    if _is_xml(head, wide or "utf-8"):
        return None
    bad = _first_undecodable(path, wide or "utf-8")
    if bad is None:
        return wide
    offset, byte = bad
    why = _not_cp1252(path) if wide is None else f"the file starts as {wide}"
    if why is None:
        log.warning("%s: not UTF-8 (byte 0x%02X at offset %d): read as cp1252", path, byte, offset)
        return "cp1252"
    raise UndecodableText(
        f"not valid {wide or 'UTF-8'}: byte 0x{byte:02X} at offset {offset} cannot be decoded, "
        f"and the text is not reliably Latin-1/cp1252 either ({why}); "
        "save the file as UTF-8 and load it again"
    )


def _utf16_variant(head: bytes) -> str | None:
    """utf-16 for a UTF-16 BOM; utf-16-le/-be for text with NUL every other byte."""
    if head.startswith(UTF16_BOMS):
        return "utf-16"
    sample = head[:512]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        odd_nuls = sample[1::2].count(0)
        return "utf-16-le" if odd_nuls > sample[0::2].count(0) else "utf-16-be"
    return None


def _is_xml(head: bytes, encoding: str) -> bool:
    """The file's first character (after a BOM and blanks) is `<`."""
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    return text.lstrip("\ufeff \t\r\n").startswith("<")


def _first_undecodable(path: Path, encoding: str) -> tuple[int, int] | None:
    """Offset and value of the first byte ENCODING cannot decode, or None."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0  # bytes read before this block
    with _open_bytes(path) as stream:
        while True:
            block = stream.read(SCAN_BYTES)
            carried = len(decoder.getstate()[0])  # an unfinished character from the last block
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                return offset - carried + exc.start, exc.object[exc.start]
            if not block:
                return None
            offset += len(block)


def _not_cp1252(path: Path) -> str | None:
    """Why the file cannot be told to be Latin-1/cp1252 text, or None when it can."""
    with _open_bytes(path) as stream:
        while block := stream.read(SCAN_BYTES):
            if found := UTF8_SEQUENCE.search(block):
                return f"it also holds UTF-8 sequences, e.g. bytes {found.group().hex(' ')}"
            if found := NOT_CP1252.search(block):
                return f"it holds byte 0x{found.group()[0]:02X}, which cp1252 text never does"
    return None


def file_order_key(path: Path) -> str | None:
    """Sortable NLM file number (`26n01335`) of a `pubmedYYnNNNN` file, else None."""
    match = NLM_FILE.search(path.name)
    if not match:
        return None
    return f"{match.group(1)}n{int(match.group(2)):05d}"


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's stored bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        while chunk := raw.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files, folders (recursively) and globs into a sorted list of files to load.

    Order: NLM files by file number first (baseline before updates), then the others by path.
    """
    found: set[Path] = set()
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.is_file() and not _is_sidecar(p))
        elif path.is_file():
            found.add(path)
        else:
            root, pattern = (
                (Path(path.anchor), str(path)[1:]) if path.is_absolute() else (Path(), str(path))
            )
            matches = [p for p in root.glob(pattern) if p.is_file()]
            if not matches:
                raise FileNotFoundError(f"no file matches {item}")
            found.update(matches)
    return sorted(found, key=load_order)


def warehouse_own(files: Iterable[Path], db: Path, snapshot: Path) -> list[Path]:
    """The FILES that belong to the warehouse DB or its SNAPSHOT (`.wal`, `.lock` included)."""
    own = [(target.resolve().parent, target.name) for target in (db, snapshot)]
    return [
        f
        for f in files
        if any(f.resolve().parent == folder and f.name.startswith(name) for folder, name in own)
    ]


def _is_sidecar(path: Path) -> bool:
    """Hidden files, checksums and notes that sit beside input files in a folder."""
    return path.name.startswith(".") or path.suffix.lower() in {".md5", ".md", ".reason"}


def load_order(path: Path) -> tuple[int, str]:
    """Sort key: NLM files by number, then any other file by path."""
    key = file_order_key(path)
    return (0, key) if key else (1, str(path))
