"""PubMed XML: `PubmedArticleSet` (efetch, baseline and update files), legacy `MedlineCitationSet`.

Streams with `lxml.etree.iterparse`, one record element at a time, and frees each record (and
its earlier siblings) once its rows are built, so memory is bounded by the batch size. Every
path is anchored at the record: `PMID` and `ArticleId` also occur inside `CommentsCorrections`
and `ReferenceList`, which must never be taken for the article's own.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from warehouse.errors import DamagedFile, MalformedRecord
from warehouse.formats.input_format import InputFormat
from warehouse.formats.records import ParsedBatch, Reject, empty_rows
from warehouse.formats.xml_stream import free, iterparse

XML_ROOTS = re.compile(
    rb"<(PubmedArticleSet|PubmedArticle|PubmedBookArticle|MedlineCitationSet|MedlineCitation)[\s>]"
)
RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "DeleteCitation", "MedlineCitation")
MONTHS = {
    m: f"{i:02d}"
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
EXCERPT_CHARS = 300
RECORD_TAIL = b"\n"
"""What `record_hash` hashes after a record's markup, whatever follows it in the file: the
newline NLM's files put there. Not the record's own tail, which the parser may not have read
yet when the record ends (it depends on where its last read of the file stopped), so the same
record would hash two ways."""
PERSON_FIELDS = ("LastName", "ForeName", "Initials", "Suffix", "CollectiveName")
"""Author columns read from the person's children, in the order of the `authors` row."""
PERSON_TAGS = frozenset(PERSON_FIELDS)
GRANT_FIELDS = ("GrantID", "Acronym", "Agency", "Country")
"""Grant columns read from the grant's children, in the order of the `grants` row."""
GRANT_TAGS = frozenset(GRANT_FIELDS)

Rows = dict[str, list[tuple]]


def parse(stream: BinaryIO, batch_size: int) -> Iterator[ParsedBatch]:
    """Yield batches of at most `batch_size` records from a PubMed XML stream.

    Raises `DamagedFile` when the XML (or its gzip) breaks off; batches already yielded stay
    valid, and the caller decides whether to keep them (the loader does not).
    """
    events = iterparse(stream, tag=RECORD_TAGS)
    batch = ParsedBatch()
    position = 0
    try:
        for _, elem in events:
            parent = elem.getparent()
            if (
                elem.tag == "MedlineCitation"
                and parent is not None
                and parent.tag != ("MedlineCitationSet")
            ):
                continue  # the citation inside a PubmedArticle: handled with its article
            position += 1
            _read_element(elem, position, batch)
            free(elem)
            if len(batch) >= batch_size:
                yield batch
                batch = ParsedBatch()
    except etree.XMLSyntaxError as exc:
        raise DamagedFile(_syntax_reason(exc, position)) from exc
    except (EOFError, OSError) as exc:
        raise DamagedFile(
            f"file ends early or cannot be decompressed after record {position} ({exc}): "
            "the file is damaged or cut short; download it again"
        ) from exc
    if len(batch) or position == 0:
        yield batch


def _syntax_reason(exc: etree.XMLSyntaxError, position: int) -> str:
    """Why the XML stopped being readable, and what to do about it."""
    where = f"after record {position}" if position else "before the first record"
    detail = str(exc)
    lower = detail.lower()
    if "amplification" in lower or "entity reference loop" in lower:
        return (
            f"refused {where}: the DOCTYPE declares entities that expand far beyond the file "
            f"(an entity-expansion, 'billion laughs', document) ({detail}); PubMed files never "
            "do this: get the file again from NCBI"
        )
    if "excessive depth" in lower or "huge" in lower:
        return (
            f"refused {where}: markup nested too deep or a text too large for a PubMed record "
            f"({detail}); get the file again from NCBI"
        )
    return f"broken XML {where} ({detail}): the file is damaged or cut short; get it again"


def _read_element(elem: etree._Element, position: int, batch: ParsedBatch) -> None:
    """Add one record element's rows, deletions or reject to the batch."""
    if elem.tag == "DeleteCitation":
        _read_deletion(elem, position, batch)
        return
    entity = next(elem.iter(etree.Entity), None)
    if entity is not None:
        pmid = _try_int(elem.findtext("MedlineCitation/PMID") or elem.findtext(".//PMID"))
        reason = (
            f"uses the entity {entity.text}, declared in the file's DOCTYPE; entities are never "
            "resolved (no file or network reads): replace it with its text or get the record "
            "again from NCBI"
        )
        batch.reject(Reject(position, pmid, reason, _excerpt(elem)))
        return
    try:
        rows = read_record(elem)
    except MalformedRecord as exc:
        batch.reject(Reject(position, exc.pmid, exc.reason, _excerpt(elem)))
    except (ValueError, TypeError) as exc:
        pmid = _try_int(elem.findtext("MedlineCitation/PMID") or elem.findtext("PMID"))
        reason = f"a value cannot be read ({exc}): correct it in the record or get it again"
        batch.reject(Reject(position, pmid, reason, _excerpt(elem)))
    else:
        batch.add_record(rows)


def _read_deletion(elem: etree._Element, position: int, batch: ParsedBatch) -> None:
    """Queue a DeleteCitation's PMIDs; one PMID that is not a number rejects the whole list."""
    texts = [(p.text or "").strip() for p in elem.iterfind("PMID")]
    bad = [t for t in texts if _try_int(t) is None or int(t) <= 0]
    if bad or not texts:
        what = f"PMID {bad[0][:40]!r} is not a positive whole number" if bad else "no PMID"
        reason = f"DeleteCitation with {what}: nothing deleted; correct the list"
        batch.reject(Reject(position, None, reason, _excerpt(elem)))
        return
    batch.deleted_pmids.extend(int(t) for t in texts)
    batch.records += 1


def read_record(elem: etree._Element) -> Rows:
    """Rows of one `PubmedArticle`, `PubmedBookArticle` or legacy `MedlineCitation`."""
    record_hash = hashlib.blake2b(
        etree.tostring(elem, with_tail=False) + RECORD_TAIL, digest_size=16
    )
    record_hash = record_hash.hexdigest()
    if elem.tag == "PubmedBookArticle":
        return _read_book(elem, record_hash)
    if elem.tag == "MedlineCitation":
        return _read_citation(elem, None, record_hash)
    kids = _kids(elem)
    citation = _first(kids, "MedlineCitation")
    if citation is None:
        raise MalformedRecord(
            "PubmedArticle has no MedlineCitation (the element that holds the PMID and the "
            "article): the record is cut or damaged; get it again from NCBI"
        )
    return _read_citation(citation, _first(kids, "PubmedData"), record_hash)


def _require_pmid(pmid_elem: etree._Element | None) -> tuple[int, int | None]:
    if pmid_elem is None or not (pmid_elem.text or "").strip():
        raise MalformedRecord(
            "record has no PMID: it cannot be keyed; add its PMID element or get the record "
            "again from NCBI"
        )
    text = pmid_elem.text.strip()
    if _try_int(text) is None or int(text) <= 0:
        raise MalformedRecord(
            f"PMID {text[:40]!r} is not a positive whole number: correct the PMID element"
        )
    version = _try_int(pmid_elem.get("Version"))
    return int(text), version if version is not None and version < 2**31 else None


def _read_citation(
    citation: etree._Element, pubmed_data: etree._Element | None, record_hash: str
) -> Rows:
    """Rows of a `MedlineCitation` and the `PubmedData` beside it.

    Each element's children are walked once (`_kids`) and looked up by tag: far cheaper than
    one ElementPath search per field.
    """
    kids = _kids(citation)
    pmid, version = _require_pmid(_first(kids, "PMID"))
    rows = empty_rows()
    article = _first(kids, "Article")
    if article is None:
        raise MalformedRecord(
            "MedlineCitation has no Article element (title, journal, authors): the record is "
            "cut or damaged; get it again from NCBI",
            pmid,
        )
    art = _kids(article)
    journal = _kids(_first(art, "Journal"))
    issue = _kids(_first(journal, "JournalIssue"))
    journal_info = _kids(_first(kids, "MedlineJournalInfo"))
    data = _kids(pubmed_data)
    id_lists = [a for ids in data.get("ArticleIdList", ()) for a in ids if a.tag == "ArticleId"]
    ids = _article_ids(pmid, id_lists, art.get("ELocationID", ()), rows)
    abstract = _abstract(pmid, _first(art, "Abstract"), rows)
    _authors(pmid, _first(art, "AuthorList"), _first(kids, "InvestigatorList"), rows)
    types = _grandchildren(art, "PublicationTypeList", "PublicationType")
    _publication_types(pmid, types, rows)
    _grants(pmid, _first(art, "GrantList"), rows)
    _terms(pmid, _first(kids, "MeshHeadingList"), rows)
    _substances(pmid, _first(kids, "ChemicalList"), rows)
    _supplementary(pmid, _first(kids, "SupplMeshList"), rows)
    _keywords(pmid, kids.get("KeywordList", ()), rows)
    _comments_corrections(pmid, _first(kids, "CommentsCorrectionsList"), rows)
    _history(pmid, _first(data, "History"), rows)
    _references(pmid, data.get("ReferenceList", ()), rows)
    rows["articles"].append(
        (
            pmid,
            version,
            _text(_first(art, "ArticleTitle")),
            _text(_first(art, "VernacularTitle")),
            abstract,
            _leaf(journal, "Title"),
            _leaf(journal_info, "MedlineTA"),
            _leaf(journal, "ISOAbbreviation"),
            _leaf(journal_info, "NlmUniqueID"),
            _leaf(journal, "ISSN"),
            _leaf(journal_info, "ISSNLinking"),
            _leaf(issue, "Volume"),
            _leaf(issue, "Issue"),
            _pages(_first(art, "Pagination")),
            _pub_date_raw(_first(issue, "PubDate")),
            _date(_first(art, "ArticleDate")),
            [lang.text for lang in art.get("Language", ()) if lang.text],
            ids.get("doi"),
            ids.get("pmc"),
            citation.get("Status"),
            _date(_first(kids, "DateCompleted")),
            _date(_first(kids, "DateRevised")),
            _text(_first(kids, "CoiStatement")),
            False,
            record_hash,
        )
    )
    return rows


def _kids(elem: etree._Element | None) -> dict[str, list[etree._Element]]:
    """An element's children grouped by tag, in document order (one walk)."""
    kids: dict[str, list[etree._Element]] = {}
    if elem is not None:
        for child in elem:
            if child.tag in kids:
                kids[child.tag].append(child)
            else:
                kids[child.tag] = [child]
    return kids


def _first(kids: dict[str, list[etree._Element]], tag: str) -> etree._Element | None:
    found = kids.get(tag)
    return found[0] if found else None


def _leaf(kids: dict[str, list[etree._Element]], tag: str) -> str | None:
    """Text of the first child with `tag`, as `findtext` gives it ("" when it is empty)."""
    found = kids.get(tag)
    return (found[0].text or "") if found else None


def _grandchildren(
    kids: dict[str, list[etree._Element]], tag: str, child_tag: str
) -> list[etree._Element]:
    """Children tagged `child_tag` of every child tagged `tag`."""
    return [c for holder in kids.get(tag, ()) for c in holder if c.tag == child_tag]


def _read_book(elem: etree._Element, record_hash: str) -> Rows:
    """Rows of a Bookshelf `PubmedBookArticle` (a book or a chapter)."""
    document = elem.find("BookDocument")
    if document is None:
        raise MalformedRecord(
            "PubmedBookArticle has no BookDocument (the element that holds the PMID): the "
            "record is cut or damaged; get it again from NCBI"
        )
    pmid, version = _require_pmid(document.find("PMID"))
    rows = empty_rows()
    book = document.find("Book")
    book_data = elem.find("PubmedBookData")
    # the record's ids: PubmedBookData's list (pubmed), then the BookDocument's own list
    # (bookaccession NBK..., doi), then ELocationIDs; the DOI rule takes the lists first
    book_ids = [] if book_data is None else book_data.findall("ArticleIdList/ArticleId")
    book_ids += document.findall("ArticleIdList/ArticleId")
    ids = _article_ids(pmid, book_ids, document.findall("ELocationID"), rows)
    title = _text(document.find("ArticleTitle"))
    book_title = _text(book.find("BookTitle")) if book is not None else None
    abstract = _abstract(pmid, document.find("Abstract"), rows)
    author_list = _not_editors(document)
    if author_list is None and book is not None:
        author_list = _not_editors(book)  # a whole book: its authors are the record's
    _authors(pmid, author_list, None, rows)
    _publication_types(pmid, document.findall("PublicationType"), rows)
    _grants(pmid, document.find("GrantList"), rows)
    _keywords(pmid, document.findall("KeywordList"), rows)
    if book_data is not None:
        _history(pmid, book_data.find("History"), rows)
    _references(pmid, document.iterfind("ReferenceList"), rows)
    rows["articles"].append(
        (
            pmid,
            version,
            title or book_title,
            None,
            abstract,
            book_title if title else None,
            None,
            None,
            None,
            None,
            None,
            book.findtext("Volume") if book is not None else None,
            None,
            None,
            _pub_date_raw(book.find("PubDate") if book is not None else None),
            _date(document.find("ContributionDate")),
            [lang.text for lang in document.iterfind("Language") if lang.text],
            ids.get("doi"),
            ids.get("pmc"),
            book_data.findtext("PublicationStatus") if book_data is not None else None,
            None,
            _date(document.find("DateRevised")),
            None,
            True,
            record_hash,
        )
    )
    return rows


def _not_editors(holder: etree._Element) -> etree._Element | None:
    """The first AuthorList of a book or chapter that lists authors, not editors."""
    for author_list in holder.iterfind("AuthorList"):
        if author_list.get("Type") != "editors":
            return author_list
    return None


def _article_ids(
    pmid: int,
    article_ids: list[etree._Element],
    locations: list[etree._Element],
    rows: Rows,
) -> dict[str, str]:
    """The article's own ids (ArticleIdList, then ELocationID); returns the first per type."""
    found: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    for aid in article_ids:
        pairs.append((aid.get("IdType") or "unknown", (aid.text or "").strip()))
    for loc in locations:
        if loc.get("ValidYN", "Y") == "Y":
            pairs.append((loc.get("EIdType") or "unknown", (loc.text or "").strip()))
    seen: set[tuple[str, str]] = set()
    for id_type, value in pairs:
        if value and (id_type, value) not in seen:
            seen.add((id_type, value))
            found.setdefault(id_type, value)
            rows["article_ids"].append((pmid, id_type, value))
    return found


def _abstract(pmid: int, abstract: etree._Element | None, rows: Rows) -> str | None:
    """Fill `abstract_sections`; return the whole abstract, labelled sections as `LABEL: text`."""
    if abstract is None:
        return None
    parts = []
    sections = [child for child in abstract if child.tag == "AbstractText"]
    for position, section in enumerate(sections, 1):
        text = _text(section)
        label = section.get("Label") or None
        rows["abstract_sections"].append((pmid, position, label, section.get("NlmCategory"), text))
        if text:
            parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts) or None


def _authors(
    pmid: int,
    author_list: etree._Element | None,
    investigator_list: etree._Element | None,
    rows: Rows,
) -> None:
    """Fill `authors` and `affiliations`; investigators are numbered after the authors."""
    people = [(a, False) for a in author_list.iterfind("Author")] if author_list is not None else []
    if investigator_list is not None:
        people += [(i, True) for i in investigator_list.iterfind("Investigator")]
    authors, affiliations = rows["authors"], rows["affiliations"]
    for position, (person, is_investigator) in enumerate(people, 1):
        fields = dict.fromkeys(PERSON_FIELDS)
        orcid = None
        aff_position = 0
        for child in person:  # one walk over the person's children, dispatching on tag
            tag = child.tag
            if tag in PERSON_TAGS:
                if fields[tag] is None:
                    fields[tag] = _text(child) if tag == "CollectiveName" else child.text or ""
            elif tag == "Identifier":
                if orcid is None and child.get("Source") == "ORCID":
                    orcid = (child.text or "").strip() or None
            elif tag == "AffiliationInfo":
                aff_position += 1
                affiliations.append((pmid, position, aff_position, *_affiliation(child)))
        authors.append(
            (
                pmid,
                position,
                *fields.values(),
                orcid,
                person.get("EqualContrib") == "Y",
                person.get("ValidYN", "Y") == "Y",
                is_investigator,
            )
        )


def _affiliation(info: etree._Element) -> tuple[str | None, str | None, str | None]:
    """Affiliation text and its ROR and GRID identifiers (the last of each, as listed)."""
    text = ror = grid = None
    found_text = False
    for child in info:
        tag = child.tag
        if tag == "Affiliation" and not found_text:
            text, found_text = _text(child), True
        elif tag == "Identifier":
            source = child.get("Source")
            if source == "ROR":
                ror = child.text
            elif source == "GRID":
                grid = child.text
    return text, ror, grid


def _publication_types(pmid: int, types: list[etree._Element], rows: Rows) -> None:
    for position, ptype in enumerate(types, 1):
        rows["publication_types"].append((pmid, position, ptype.get("UI"), _text(ptype)))


def _grants(pmid: int, grant_list: etree._Element | None, rows: Rows) -> None:
    """One row per Grant: the first GrantID, Acronym, Agency and Country of each."""
    if grant_list is None:
        return
    grants = [child for child in grant_list if child.tag == "Grant"]
    for position, grant in enumerate(grants, 1):
        fields = dict.fromkeys(GRANT_FIELDS)
        for child in grant:  # one walk over the grant's children, the first of each tag
            tag = child.tag
            if tag in GRANT_TAGS and fields[tag] is None:
                fields[tag] = child.text or ""
        rows["grants"].append((pmid, position, *fields.values()))


def _terms(pmid: int, heading_list: etree._Element | None, rows: Rows) -> None:
    """One row per heading x qualifier; a heading without qualifier gives one row."""
    if heading_list is None:
        return
    terms = rows["terms"]
    for position, heading in enumerate(heading_list.iterfind("MeshHeading"), 1):
        descriptor = None
        qualifiers = []
        for child in heading:
            tag = child.tag
            if tag == "QualifierName":
                qualifiers.append(child)
            elif tag == "DescriptorName" and descriptor is None:
                descriptor = child
        if descriptor is None:
            raise MalformedRecord(
                f"MeSH heading {position} has no DescriptorName: add the descriptor or "
                "remove the empty MeshHeading",
                pmid,
            )
        head = (
            pmid,
            position,
            descriptor.get("UI"),
            _text(descriptor),
            descriptor.get("MajorTopicYN") == "Y",
        )
        if not qualifiers:
            terms.append((*head, None, None, None))
            continue
        merged: dict[tuple, bool] = {}  # a qualifier repeated in one heading counts once
        for qualifier in qualifiers:
            key = (qualifier.get("UI"), _text(qualifier))
            merged[key] = merged.get(key, False) or qualifier.get("MajorTopicYN") == "Y"
        for (ui, name), major in merged.items():
            terms.append((*head, ui, name, major))


def _substances(pmid: int, chemical_list: etree._Element | None, rows: Rows) -> None:
    if chemical_list is None:
        return
    chemicals = [child for child in chemical_list if child.tag == "Chemical"]
    for position, chemical in enumerate(chemicals, 1):
        kids = _kids(chemical)
        name = _first(kids, "NameOfSubstance")
        text = _text(name)
        if not (text or "").strip():
            raise MalformedRecord(
                f"chemical {position} has no NameOfSubstance: add the substance name or "
                "remove the empty Chemical",
                pmid,
            )
        rows["substances"].append(
            (pmid, position, _leaf(kids, "RegistryNumber"), name.get("UI"), text)
        )


def _supplementary(pmid: int, suppl_list: etree._Element | None, rows: Rows) -> None:
    if suppl_list is None:
        return
    for position, concept in enumerate(suppl_list.iterfind("SupplMeshName"), 1):
        rows["supplementary_concepts"].append(
            (pmid, position, concept.get("UI"), _text(concept), concept.get("Type"))
        )


def _keywords(pmid: int, keyword_lists: list[etree._Element], rows: Rows) -> None:
    position = 0
    for keyword_list in keyword_lists:
        owner = keyword_list.get("Owner")
        for keyword in keyword_list:
            if keyword.tag != "Keyword":
                continue
            text = _text(keyword)
            if text:
                position += 1
                rows["keywords"].append(
                    (pmid, position, text, owner, keyword.get("MajorTopicYN") == "Y")
                )


def _comments_corrections(pmid: int, cc_list: etree._Element | None, rows: Rows) -> None:
    """One row per CommentsCorrections link; the first PMID and RefSource of each."""
    if cc_list is None:
        return
    links = [child for child in cc_list if child.tag == "CommentsCorrections"]
    for position, link in enumerate(links, 1):
        ref_pmid = ref_source = None
        for child in link:  # one walk over the link's children, the first of each tag
            tag = child.tag
            if tag == "PMID" and ref_pmid is None:
                ref_pmid = child.text or ""
            elif tag == "RefSource" and ref_source is None:
                ref_source = child
        rows["comments_corrections"].append(
            (pmid, position, link.get("RefType"), _try_int(ref_pmid), _text(ref_source))
        )


def _history(pmid: int, history: etree._Element | None, rows: Rows) -> None:
    if history is None:
        return
    for event in history:
        if event.tag == "PubMedPubDate":
            rows["history_dates"].append((pmid, event.get("PubStatus"), _date(event)))


def _references(pmid: int, reference_lists: Iterator[etree._Element], rows: Rows) -> None:
    """Cited references of every (possibly nested) ReferenceList, numbered across lists.

    The hottest loop of a baseline file (about 17 references a record): `_text` is inlined,
    and of the reference's ids only the last `pubmed` and `doi` are kept.
    """
    position = 0
    references = rows["references"]
    for reference_list in reference_lists:
        for reference in reference_list.iter("Reference"):
            position += 1
            citation = cited = doi = None
            found_citation = False
            for child in reference:
                tag = child.tag
                if tag == "Citation" and not found_citation:
                    found_citation = True
                    citation = ("".join(child.itertext()) if len(child) else child.text) or None
                elif tag == "ArticleIdList":
                    for aid in child:
                        if aid.tag == "ArticleId":
                            id_type = aid.get("IdType")
                            if id_type == "pubmed":
                                cited = (aid.text or "").strip()
                            elif id_type == "doi":
                                doi = (aid.text or "").strip()
            cited_pmid = int(cited) if cited and cited.isdigit() else None
            references.append((pmid, position, citation, cited_pmid, doi or None))


def _pages(pagination: etree._Element | None) -> str | None:
    if pagination is None:
        return None
    kids = _kids(pagination)
    medline_pgn = _leaf(kids, "MedlinePgn")
    if medline_pgn:
        return medline_pgn
    start, end = _leaf(kids, "StartPage"), _leaf(kids, "EndPage")
    if start and end:
        return f"{start}-{end}"
    return start


def _pub_date_raw(pub_date: etree._Element | None) -> str | None:
    """The publication date as written: MedlineDate, or Year Month|Season Day joined."""
    if pub_date is None:
        return None
    kids = _kids(pub_date)
    medline_date = _leaf(kids, "MedlineDate")
    if medline_date:
        return medline_date.strip()
    parts = [_leaf(kids, tag) for tag in ("Year", "Month", "Season", "Day")]
    return " ".join(p.strip() for p in parts if p) or None


def _date(elem: etree._Element | None) -> str | None:
    """ISO date from Year/Month/Day children; month names and numbers both read."""
    if elem is None:
        return None
    parts = {"Year": None, "Month": None, "Day": None}
    for child in elem:
        if parts.get(child.tag, "") is None:  # the first of each only
            parts[child.tag] = child.text or ""
    return _iso_date(parts["Year"], parts["Month"], parts["Day"])


@functools.lru_cache(maxsize=4096)
def _iso_date(year: str | None, month: str | None, day: str | None) -> str | None:
    """`YYYY-MM-DD` from the texts of Year, Month and Day (the same few recur: cached)."""
    if not year:
        return None
    month = (month or "1").strip()
    month = MONTHS.get(month[:3].lower(), month)
    day = (day or "1").strip()
    if not (year.strip().isdigit() and month.isdigit() and day.isdigit()):
        return None
    return f"{year.strip()}-{int(month):02d}-{int(day):02d}"


def _text(elem: etree._Element | None) -> str | None:
    """Text of an element with inline markup (`<i>`, `<sup>`, MathML) flattened."""
    if elem is None:
        return None
    if not len(elem):
        return elem.text or None
    text = "".join(elem.itertext())
    return text or None


def _try_int(text: str | None) -> int | None:
    """A whole number that fits a BIGINT, else None (`²`, `٣`, thirty digits)."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


def _excerpt(elem: etree._Element) -> str:
    return etree.tostring(elem, encoding="unicode")[:EXCERPT_CHARS]


def recognises(text: bytes) -> bool:
    """A PubMed XML root (or a record saved alone) among the first bytes."""
    return XML_ROOTS.search(text) is not None


FORMAT = InputFormat(name="xml", recognises=recognises, markup=True, rank=3, parse=parse)
