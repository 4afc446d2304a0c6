"""Seed records turned into templates: their XML with slots where a scale file varies them.

A template is the seed's serialized bytes cut at each slot, plus what each slot needs to be
filled like the seed: how many words its title and each abstract section have, its authors
(person, or a collective name kept as is) with their affiliation counts, its MeSH headings
(kept when a check tag such as `Humans`, else drawn) with their major flags and qualifier
counts, how many substances, keywords and references it has, its comments and corrections
(kept with their PMIDs drawn anew; a retraction link can be added, so the slot holds the whole
list or nothing) and its publication types (kept; a retraction type can be added). Everything
else of the seed (journal, grants, history) is kept verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from lxml import etree

MARK = "@@slot{}@@"
MARK_PATTERN = re.compile(r"@@slot(\d+)@@")
CHECK_TAGS = frozenset(
    {
        "Humans", "Animals", "Male", "Female", "Adult", "Middle Aged", "Aged",
        "Aged, 80 and over", "Adolescent", "Young Adult", "Child", "Child, Preschool",
        "Infant", "Infant, Newborn", "Pregnancy", "Mice", "Rats",
    }
)  # fmt: skip
"""MeSH check tags: kept from the seed, so their (high) frequency stays as in PubMed."""
CORRECTIONS = "CommentsCorrectionsList"
BEFORE_CORRECTIONS = frozenset(
    {"Article", "MedlineJournalInfo", "ChemicalList", "SupplMeshList", "CitationSubset"}
)
"""Elements of a MedlineCitation that come before its CommentsCorrectionsList (the DTD's order)."""


@dataclass
class Author:
    """An author slot: a person to draw, or a collective name kept verbatim."""

    affiliations: int = 0
    valid: str = "Y"
    literal: str | None = None


@dataclass
class Heading:
    """A MeSH heading slot: the kept check tag (escaped) or None to draw one."""

    check_tag: str | None
    major: str
    qualifier_majors: list[str]
    check_ui: str | None = None


@dataclass
class Comment:
    """A seed's CommentsCorrections: its type and source; whether it names a PMID."""

    ref_type: str
    source: str
    has_pmid: bool


@dataclass
class Slot:
    kind: str
    words: int = 0
    doi_prefix: str = ""
    month: str = ""
    authors: list[Author] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    count: int = 0
    comments: list[Comment] = field(default_factory=list)
    literal: str = ""


@dataclass
class Template:
    """Seed bytes between slots (`len(chunks) == len(slots) + 1`) and the slots."""

    chunks: list[str]
    slots: list[Slot]


def _mark(el: etree._Element, slots: list[Slot], slot: Slot) -> None:
    """Replace the element's content by a slot marker, keeping its tag and attributes."""
    tail = el.tail
    for child in list(el):
        el.remove(child)
    el.text = MARK.format(len(slots))
    el.tail = tail
    slots.append(slot)


def _words(el: etree._Element) -> int:
    return max(len("".join(el.itertext()).split()), 3)


def _author(el: etree._Element) -> Author:
    if el.find("CollectiveName") is not None:
        text = etree.tostring(el, encoding="unicode", with_tail=False)
        return Author(literal=text)
    return Author(len(el.findall("AffiliationInfo")), el.get("ValidYN", "Y"))


def _heading(el: etree._Element) -> Heading:
    descriptor = el.find("DescriptorName")
    name = (descriptor.text or "").strip()
    majors = [q.get("MajorTopicYN", "N") for q in el.findall("QualifierName")]
    if name in CHECK_TAGS:
        ui = descriptor.get("UI")
        return Heading(escape(name), descriptor.get("MajorTopicYN", "N"), majors, ui)
    return Heading(None, descriptor.get("MajorTopicYN", "N"), majors)


def _mark_identity(record: etree._Element, slots: list[Slot]) -> None:
    """PMID, DOI and PMC id slots (the record's own identifiers)."""
    citation = record.find("MedlineCitation")
    _mark(citation.find("PMID"), slots, Slot("pmid"))
    for el in record.iterfind("PubmedData/ArticleIdList/ArticleId"):
        kind = el.get("IdType")
        if kind == "pubmed":
            _mark(el, slots, Slot("pmid"))
        elif kind == "doi" and "/" in (el.text or ""):
            _mark(el, slots, Slot("doi", doi_prefix=el.text.split("/", 1)[0].strip()))
        elif kind == "pmc":
            _mark(el, slots, Slot("pmc"))
    for el in citation.iterfind("Article/ELocationID"):
        if el.get("EIdType") == "doi" and "/" in (el.text or ""):
            _mark(el, slots, Slot("doi", doi_prefix=el.text.split("/", 1)[0].strip()))


def _mark_content(record: etree._Element, slots: list[Slot]) -> None:
    """Title, abstract, date, authors, MeSH, substances, keywords and references slots."""
    article = record.find("MedlineCitation/Article")
    title = article.find("ArticleTitle")
    if title is not None:
        _mark(title, slots, Slot("text", words=_words(title)))
    for el in article.iterfind("Abstract/AbstractText"):
        _mark(el, slots, Slot("text", words=_words(el)))
    pub_date = article.find("Journal/JournalIssue/PubDate")
    if pub_date is not None:
        month = pub_date.findtext("Month")
        _mark(pub_date, slots, Slot("pub_date", month=f"<Month>{month}</Month>" if month else ""))
    authors = article.find("AuthorList")
    if authors is not None:
        people = [_author(a) for a in authors.iterfind("Author")]
        _mark(authors, slots, Slot("authors", authors=people))
    citation = record.find("MedlineCitation")
    mesh = citation.find("MeshHeadingList")
    if mesh is not None:
        headings = [_heading(h) for h in mesh.iterfind("MeshHeading")]
        _mark(mesh, slots, Slot("mesh", headings=headings))
    for path, kind in (("ChemicalList", "chemicals"), ("KeywordList", "keywords")):
        for el in citation.iterfind(path):
            _mark(el, slots, Slot(kind, count=len(el)))
    _mark_corrections(citation, slots)
    for el in record.iterfind("PubmedData/ReferenceList"):
        count = len(el.findall("Reference"))
        if count:
            _mark(el, slots, Slot("references", count=count))


def _mark_corrections(citation: etree._Element, slots: list[Slot]) -> None:
    """The comments and corrections list, present or not (retraction links may be added), as
    a whole-element slot; the seed's retraction links are left out."""
    seed = citation.find("CommentsCorrectionsList")
    comments = [
        Comment(
            c.get("RefType"),
            escape(" ".join((c.findtext("RefSource") or "").split())),
            c.find("PMID") is not None,
        )
        for c in (seed if seed is not None else [])
        if "Retraction" not in (c.get("RefType") or "")
    ]
    placeholder = etree.Element(CORRECTIONS)
    if seed is not None:
        placeholder.tail = seed.tail
        citation.replace(seed, placeholder)
    else:
        after = [i for i, el in enumerate(citation) if el.tag in BEFORE_CORRECTIONS]
        placeholder.tail = "\n"
        citation.insert(max(after, default=0) + 1, placeholder)
    _mark(placeholder, slots, Slot("corrections", comments=comments))
    types = citation.find("Article/PublicationTypeList")
    if types is None:
        return
    literal = "".join(etree.tostring(t, encoding="unicode") for t in types)
    _mark(types, slots, Slot("publication_types", literal=literal))


def make_template(seed: etree._Element) -> Template:
    """A template of one seed record (the seed itself is left unchanged)."""
    record = etree.fromstring(etree.tostring(seed))
    slots: list[Slot] = []
    _mark_identity(record, slots)
    _mark_content(record, slots)
    record.tail = "\n"
    text = etree.tostring(record, encoding="unicode")
    parts = MARK_PATTERN.split(text)
    order = [int(i) for i in parts[1::2]]
    chunks, ordered = parts[0::2], [slots[i] for i in order]
    for at, slot in enumerate(ordered):  # a whole-element slot writes its own tags
        if slot.kind == "corrections":
            chunks[at] = chunks[at].removesuffix(f"<{CORRECTIONS}>")
            chunks[at + 1] = chunks[at + 1].removeprefix(f"</{CORRECTIONS}>")
    return Template(chunks, ordered)
