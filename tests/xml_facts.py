"""Facts read straight from the corpus XML with lxml: an oracle independent of the loader."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from lxml import etree

from tests.conftest import XML_FILES

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _records(path: Path) -> Iterator[etree._Element]:
    """MedlineCitation elements of one file (inside PubmedArticle or alone)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    root = etree.fromstring(data, PARSER)
    yield from root.iter("MedlineCitation")


def _deleted(path: Path) -> set[str]:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    root = etree.fromstring(data, PARSER)
    return {e.text for e in root.iterfind(".//DeleteCitation/PMID")}


@cache
def citations() -> dict[int, etree._Element]:
    """One MedlineCitation per PMID (first seen), without PMIDs a DeleteCitation removed."""
    found: dict[int, etree._Element] = {}
    deleted: set[str] = set()
    for path in XML_FILES:
        deleted |= _deleted(path)
        for citation in _records(path):
            found.setdefault(int(citation.findtext("PMID")), citation)
    return {pmid: c for pmid, c in found.items() if str(pmid) not in deleted}


def text(element: etree._Element | None) -> str | None:
    """All text of an element, whitespace folded."""
    return None if element is None else " ".join("".join(element.itertext()).split())


def pub_year(citation: etree._Element) -> int | None:
    pub_date = citation.find("Article/Journal/JournalIssue/PubDate")
    raw = pub_date.findtext("Year") or pub_date.findtext("MedlineDate") or ""
    match = re.search(r"\d{4}", raw)
    return int(match.group()) if match else None


def descriptors(citation: etree._Element) -> dict[str, bool]:
    """Descriptor name -> major topic (on the descriptor or any qualifier)."""
    found: dict[str, bool] = {}
    for heading in citation.iterfind("MeshHeadingList/MeshHeading"):
        name = text(heading.find("DescriptorName"))
        flags = [e.get("MajorTopicYN") == "Y" for e in heading if e.tag.endswith("Name")]
        found[name] = found.get(name, False) or any(flags)
    return found


def substances(citation: etree._Element) -> dict[str, str]:
    """Substance name -> registry number."""
    return {
        text(chemical.find("NameOfSubstance")): chemical.findtext("RegistryNumber")
        for chemical in citation.iterfind("ChemicalList/Chemical")
    }


def journal(citation: etree._Element) -> tuple[str, str]:
    """(MedlineTA, full title)."""
    return (
        citation.findtext("MedlineJournalInfo/MedlineTA"),
        citation.findtext("Article/Journal/Title"),
    )


def orcid(author: etree._Element) -> str | None:
    """ORCID of an author, in 0000-0000-0000-000X form."""
    for identifier in author.iterfind("Identifier"):
        if identifier.get("Source") == "ORCID":
            digits = re.sub(r"[^0-9X]", "", identifier.text.upper().rsplit("/", 1)[-1])
            return "-".join(digits[i : i + 4] for i in range(0, 16, 4))
    return None


def authors(citation: etree._Element) -> list[tuple[str | None, str | None]]:
    """(display name "Last Initials" or collective name, ORCID) of each listed author."""
    return [
        (
            " ".join(filter(None, (a.findtext("LastName"), a.findtext("Initials"))))
            or a.findtext("CollectiveName"),
            orcid(a),
        )
        for a in citation.iterfind("Article/AuthorList/Author")
    ]


def title(citation: etree._Element) -> str | None:
    return text(citation.find("Article/ArticleTitle"))
