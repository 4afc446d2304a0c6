"""Abstract text: the saved PubMed abstract page, and efetch `rettype=abstract` output.

Two layouts. The saved web page: title, citation line, abstract, then `Publication types`,
`MeSH terms` and substances as `  • ` bullets (the substances with or without their heading).
The efetch layout: numbered records (`1. J Org Chem. 2007 Aug 17;72(17):6621-3.`), each with
title, authors with `(1)` affiliation markers, `Author information:`, abstract, and `DOI:`,
`PMCID:`, `PMID:` lines. Both are read paragraph by paragraph (paragraphs are separated by
blank lines). A record without a PMID gets a deterministic negative surrogate PMID from its
citation and title (`surrogate_pmid`); the loader merges it into the real PMID later.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from warehouse.errors import MalformedRecord
from warehouse.formats.input_format import InputFormat
from warehouse.formats.records import ParsedBatch, Reject, empty_rows
from warehouse.inputs import decode_utf8

SAVED_PAGE = re.compile(
    rb"(^\d+\. .+\d{4}.*$)|(^PMID: *\d+)|(^(Publication types|MeSH terms|Substances)\s*$)",
    re.MULTILINE,
)
"""A numbered citation line with a year, a `PMID:` line, or a heading of the page's lists."""
EXCERPT_CHARS = 300
MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
YEAR = r"(?:1[5-9]|20)\d{2}"
CITATION = re.compile(
    rf"^(?P<journal>[^\n]+?)\. (?P<date>{YEAR}\b[^;:.]*?)"
    r"(?:;(?P<volume>[^(:.;]*))?(?:\((?P<issue>[^)]*)\))?(?::(?P<pages>[^.\s;]+))?\.(?:\s|$)"
)
EPUB = re.compile(rf"Epub (?P<year>{YEAR}) (?P<month>[A-Za-z]{{3}})\w* (?P<day>\d{{1,2}})")
RECORD_START = re.compile(rf"(?:^|\n\s*\n)(?=\d+\. [^\n]*\b{YEAR}\b)")
NUMBER = re.compile(r"^\d+\.\s+")
BULLET = re.compile(r"^\s*[•*\-·]\s+(.*\S)\s*$")
HEADINGS = {
    "publication types": "publication_types",
    "mesh terms": "terms",
    "substances": "substances",
    "grant support": "grants",
    "keywords": "keywords",
}
AUTHOR = re.compile(r"^(?P<last>.+?) (?P<initials>[A-Z][A-Za-z]{0,3})(?:\((?P<refs>[\d, ]+)\))?$")
ID_LINE = re.compile(r"^(DOI|PMCID|PMID):\s*(\S+)(.*)$", re.MULTILINE)
SKIPPED_PARAGRAPH = re.compile(
    r"^(Copyright|©|\(c\)|Conflict of interest statement|Comment (in|on)|Erratum (in|for)"
    r"|Update (in|of)|Retraction (in|of)|Trial registration|Free PMC article)",
    re.IGNORECASE,
)

Rows = dict[str, list[tuple]]


@dataclass
class Record:
    """The parts of one abstract-text record, as read from its paragraphs."""

    raw: str
    citation: re.Match[str] | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    affiliations: dict[str, str] = field(default_factory=dict)
    abstract: list[str] = field(default_factory=list)
    lists: dict[str, list[str]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    status: str | None = None
    epub: str | None = None


def parse(stream: BinaryIO, batch_size: int) -> Iterator[ParsedBatch]:
    """Yield batches of at most `batch_size` records from abstract text."""
    text = decode_utf8(stream.read()).lstrip("\ufeff")  # checked or transcoded by open_input
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    batch = ParsedBatch()
    position = 0
    for position, raw in enumerate(split_records(text), 1):
        try:
            batch.add_record(read_record(raw))
        except MalformedRecord as exc:
            batch.reject(Reject(position, exc.pmid, exc.reason, raw.strip()[:EXCERPT_CHARS]))
        if len(batch) >= batch_size:
            yield batch
            batch = ParsedBatch()
    if len(batch) or position == 0:
        yield batch


def split_records(text: str) -> list[str]:
    """Records of a file: efetch output is numbered (`1. Journal. 2007...`); a page is one."""
    stripped = text.strip("\n")
    if not NUMBER.match(stripped.lstrip()):
        return [stripped] if stripped.strip() else []
    return [part.strip("\n") for part in RECORD_START.split(stripped) if part.strip()]


def read_record(raw: str) -> Rows:
    """Rows of one record (either layout)."""
    record = Record(raw)
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", raw) if p.strip()]
    if NUMBER.match(paragraphs[0].lstrip()):
        _read_efetch(record, paragraphs)
    else:
        _read_page(record, paragraphs)
    if record.citation is None:
        raise MalformedRecord("no citation line (`Journal. Year;Volume(Issue):Pages.`) found")
    if not record.title:
        raise MalformedRecord("no title found")
    return _rows(record)


def _join(paragraph: str) -> str:
    return " ".join(line.strip() for line in paragraph.splitlines() if line.strip())


def _read_efetch(record: Record, paragraphs: list[str]) -> None:
    """Citation, title, authors, `Author information:`, abstract, then the id lines."""
    record.citation = _citation(NUMBER.sub("", _join(paragraphs[0]), count=1))
    rest = paragraphs[1:]
    if rest:
        record.title = _join(rest.pop(0))
    if rest and _author_list(_join(rest[0])):
        record.authors = _author_list(_join(rest.pop(0))) or []
    for paragraph in rest:
        text = _join(paragraph)
        if text.startswith("Author information:"):
            record.affiliations = _affiliations(paragraph)
        elif not _read_common(record, paragraph):
            record.abstract.append(text)


def _read_page(record: Record, paragraphs: list[str]) -> None:
    """Title, citation line, (authors), abstract, then bulleted lists under their headings."""
    record.title = _join(paragraphs[0])
    current: str | None = None
    after_heading = False
    for paragraph in paragraphs[1:]:
        text = _join(paragraph)
        heading = HEADINGS.get(text.lower().rstrip(":"))
        bullets = [m.group(1) for m in map(BULLET.match, paragraph.splitlines()) if m]
        if heading:
            current, after_heading = heading, True
        elif bullets:
            if current in (None, "terms") and not after_heading:
                current = "substances"  # a bullet list with no heading after the MeSH terms
            record.lists.setdefault(current or "substances", []).extend(bullets)
            after_heading = False
        elif record.citation is None and _citation(text):
            record.citation = _citation(text)
        elif record.citation is not None and not record.abstract and _author_list(text):
            record.authors = _author_list(text) or []
        elif not _read_common(record, paragraph):
            record.abstract.append(text)


def _read_common(record: Record, paragraph: str) -> bool:
    """Id lines (`DOI:`, `PMCID:`, `PMID:`) and paragraphs that are not the abstract."""
    found = False
    for match in ID_LINE.finditer(paragraph):
        record.ids[match.group(1).lower()] = match.group(2).rstrip(".")
        if "Indexed for MEDLINE" in match.group(3):
            record.status = "MEDLINE"
        found = True
    return found or bool(SKIPPED_PARAGRAPH.match(paragraph.strip()))


def _citation(text: str) -> re.Match[str] | None:
    return CITATION.match(text.strip())


def _author_list(text: str) -> list[str] | None:
    """`Solorio DM(1), Jennings MP.` as names; None when the paragraph is not an author list."""
    names = [n.strip() for n in text.rstrip(".").split(", ")]
    if len(text) > 2000 or not all(AUTHOR.match(n) for n in names):
        return None
    return names


def _affiliations(paragraph: str) -> dict[str, str]:
    """`(1)Department ...` entries by number; an unnumbered block is entry `1`."""
    body = _join(paragraph).removeprefix("Author information:").strip()
    parts = re.split(r"(?:^|\s)\((\d+)\)", body)
    if len(parts) == 1:
        return {"1": body} if body else {}
    return {number: text.strip() for number, text in zip(parts[1::2], parts[2::2], strict=True)}


def surrogate_pmid(journal: str, year: str, volume: str, issue: str, page: str, title: str) -> int:
    """A deterministic negative PMID for a record that has none, from citation and title."""
    key = "|".join((journal, year, volume, issue, page, normalized_title(title))).lower()
    digest = hashlib.blake2b(key.encode(), digest_size=7).digest()
    return -(int.from_bytes(digest, "big") + 1)


def normalized_title(title: str) -> str:
    """A title for matching: lower case letters and digits only (as `sql/load` matches it)."""
    return re.sub(r"[^0-9a-z]", "", title.lower())


def _rows(record: Record) -> Rows:
    """The record's rows in the layout of `PARSED_COLUMNS`."""
    cite = record.citation
    assert cite is not None and record.title is not None
    volume, issue, pages = cite["volume"], cite["issue"], cite["pages"]
    journal, date = cite["journal"].strip(), cite["date"].strip()
    pmid_text = record.ids.get("pmid")
    if pmid_text is not None and not (pmid_text.isascii() and pmid_text.isdigit()):
        raise MalformedRecord(f"PMID {pmid_text!r} is not a positive whole number")
    first_page = (pages or "").split("-")[0]
    year = re.search(YEAR, date)
    pmid = int(pmid_text) if pmid_text else None
    pmid = pmid or surrogate_pmid(
        journal, year.group(0) if year else "", volume or "", issue or "", first_page, record.title
    )
    rows = empty_rows()
    _people(pmid, record, rows)
    _lists(pmid, record, rows)
    ids = {"pubmed": pmid_text, "doi": record.ids.get("doi"), "pmc": record.ids.get("pmcid")}
    rows["article_ids"] = [(pmid, kind, value) for kind, value in ids.items() if value]
    rows["articles"].append(
        (
            pmid,
            None,
            record.title,
            None,
            " ".join(record.abstract) or None,
            None,
            journal,
            None,
            None,
            None,
            None,
            volume,
            issue,
            pages,
            date,
            _epub(cite.string),
            [],
            ids["doi"],
            ids["pmc"],
            record.status,
            None,
            None,
            None,
            False,
            hashlib.blake2b(record.raw.encode(), digest_size=16).hexdigest(),
        )
    )
    return rows


def _epub(citation_line: str) -> str | None:
    """`Epub 2007 Jul 14` as an ISO date."""
    match = EPUB.search(citation_line)
    month = MONTHS.get(match["month"].lower()) if match else None
    if not match or month is None:
        return None
    return f"{match['year']}-{month:02d}-{int(match['day']):02d}"


def _people(pmid: int, record: Record, rows: Rows) -> None:
    """Authors (last name and initials) and their numbered affiliations."""
    for position, name in enumerate(record.authors, 1):
        match = AUTHOR.match(name)
        assert match is not None
        rows["authors"].append(
            (
                pmid,
                position,
                match["last"],
                None,  # fore name: the text gives initials only
                match["initials"],
                None,
                None,
                None,
                None,
                True,
                False,
            )
        )
        refs = [r.strip() for r in (match["refs"] or "").split(",") if r.strip()]
        if not refs and position == 1 and len(record.affiliations) == 1:
            refs = list(record.affiliations)
        for aff_position, ref in enumerate(refs, 1):
            if ref in record.affiliations:
                rows["affiliations"].append(
                    (pmid, position, aff_position, record.affiliations[ref], None, None)
                )


def _lists(pmid: int, record: Record, rows: Rows) -> None:
    """Publication types, MeSH terms (`Descriptor / qualifier*`) and substances."""
    for position, name in enumerate(record.lists.get("publication_types", []), 1):
        rows["publication_types"].append((pmid, position, None, name))
    for position, name in enumerate(record.lists.get("substances", []), 1):
        rows["substances"].append((pmid, position, None, None, name))
    for position, keyword in enumerate(record.lists.get("keywords", []), 1):
        rows["keywords"].append((pmid, position, keyword, None, False))
    heading_position = 0
    previous: str | None = None
    seen: set[tuple[int, str | None]] = set()
    for bullet in record.lists.get("terms", []):
        descriptor, *qualifiers = [part.strip() for part in bullet.split(" / ")]
        name = descriptor.strip("*")
        if name != previous:
            heading_position += 1
            previous = name
        major = descriptor.startswith("*") or (not qualifiers and descriptor.endswith("*"))
        head = (pmid, heading_position, None, name, major)
        if not qualifiers and (heading_position, None) not in seen:
            seen.add((heading_position, None))
            rows["terms"].append((*head, None, None, None))
        for qualifier in qualifiers:
            major_q = qualifier.startswith("*") or qualifier.endswith("*")
            if (heading_position, qualifier.strip("*")) in seen:
                continue  # a bullet repeated on the page counts once
            seen.add((heading_position, qualifier.strip("*")))
            rows["terms"].append((*head, None, qualifier.strip("*"), major_q))


def recognises(text: bytes) -> bool:
    """A line of a saved abstract page among the first bytes (tried after the other saves)."""
    return SAVED_PAGE.search(text) is not None


FORMAT = InputFormat(name="abstract-text", recognises=recognises, rank=1, parse=parse)
