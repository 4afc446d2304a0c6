"""Input files: opening (`.gz` transparent), format detection by content, identity and order."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from isal import igzip

from warehouse.errors import DamagedFile, UnsupportedFormat
from warehouse.formats.mesh import mesh_kind

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 64 * 1024
NLM_FILE = re.compile(r"(?:pubmed|medline)(\d{2})n(\d{4,5})", re.IGNORECASE)
XML_ROOTS = re.compile(
    rb"<(PubmedArticleSet|PubmedArticle|PubmedBookArticle|MedlineCitationSet|MedlineCitation)[\s>]"
)
MEDLINE_PMID = re.compile(rb"^PMID- *\d", re.MULTILINE)
CSV_HEADERS = (
    b"PMID,Title,Authors,Citation,First Author,Journal/Book,Publication Year,Create Date,",
    b"Title,URL,Description,Details,ShortDetails,Resource,Type,Identifiers,Db,EntrezUID,",
)
"""PubMed's CSV save, and the older "Send to → File → CSV" one."""
SUMMARY_TEXT = re.compile(rb"\A\d+: \S[^\n]*\n(?:.+\n)*?.*\bPMID: ?(?:\r?\n)?\d", re.MULTILINE)
"""`1: Authors. Title. Journal...` up to its `PMID:` (possibly wrapped), before a blank line."""
PMID_LIST = re.compile(rb"\A(?:\d{1,9}[ \t]*\r?\n)*\d{1,9}[ \t]*(?:\r?\n)?\Z")
ABSTRACT_TEXT = re.compile(
    rb"(^\d+\. .+\d{4}.*$)|(^PMID: *\d+)|(^(Publication types|MeSH terms|Substances)\s*$)",
    re.MULTILINE,
)


@contextmanager
def open_input(path: Path) -> Iterator[BinaryIO]:
    """Open a file for reading, decompressing gzip (detected by its magic bytes)."""
    with path.open("rb") as raw:
        magic = raw.read(2)
        raw.seek(0)
        if magic == GZIP_MAGIC:
            with igzip.IGzipFile(fileobj=raw, mode="rb") as stream:
                yield stream
        else:
            yield raw


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """The first `size` decompressed bytes of a file."""
    try:
        with open_input(path) as stream:
            return stream.read(size)
    except (EOFError, OSError) as exc:
        raise DamagedFile(
            f"{path}: cannot be decompressed ({exc}); the .gz file is damaged or cut short: "
            "download it again"
        ) from exc


def detect_format(head: bytes) -> str:
    """Name the format of a file from its first bytes (one of `warehouse.formats.FORMATS`).

    MeSH files are `mesh-descriptors`, `mesh-qualifiers` and `mesh-supplementary`.
    """
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise UnsupportedFormat("the file is empty")
    if text.startswith(b"<"):
        if XML_ROOTS.search(text):
            return "xml"
        if kind := mesh_kind(text):
            return f"mesh-{kind}"
        raise UnsupportedFormat(
            "XML, but not PubMed XML "
            "(no PubmedArticleSet, PubmedArticle or MedlineCitationSet root) nor MeSH XML "
            "(DescriptorRecordSet, QualifierRecordSet, SupplementalRecordSet)"
        )
    if MEDLINE_PMID.search(text):
        return "medline"
    if text.startswith(CSV_HEADERS):
        return "csv"
    if SUMMARY_TEXT.match(text):
        return "summary-text"
    if ABSTRACT_TEXT.search(text):
        return "abstract-text"
    if PMID_LIST.match(text[: text.rfind(b"\n") + 1] if len(head) == SNIFF_BYTES else text):
        raise UnsupportedFormat(
            "a list of PMIDs, not records: download the records with "
            "`pubmed-warehouse fetch FILE`, or save them from PubMed as XML or 'PubMed format'"
        )
    raise UnsupportedFormat(
        "not PubMed XML, MEDLINE (PMID- lines), a CSV or Summary save or a saved abstract page; "
        "save records from PubMed as XML, 'PubMed format' (.nbib), CSV or abstract text"
    )


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


def _is_sidecar(path: Path) -> bool:
    """Hidden files, checksums and notes that sit beside input files in a folder."""
    return path.name.startswith(".") or path.suffix.lower() in {".md5", ".md", ".reason"}


def load_order(path: Path) -> tuple[int, str]:
    """Sort key: NLM files by number, then any other file by path."""
    key = file_order_key(path)
    return (0, key) if key else (1, str(path))
