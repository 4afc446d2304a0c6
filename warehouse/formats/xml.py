"""PubMed XML: `PubmedArticleSet` (efetch, baseline and update files), legacy `MedlineCitationSet`.

Streams with `lxml.etree.iterparse`, one record element at a time, and frees each record (and
its earlier siblings) once its rows are built, so memory is bounded by the batch size. Every
path is anchored at the record: `PMID` and `ArticleId` also occur inside `CommentsCorrections`
and `ReferenceList`, which must never be taken for the article's own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from warehouse.errors import DamagedFile, MalformedRecord
from warehouse.formats.records import ParsedBatch, Reject, empty_rows

FORMAT = "xml"
RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "DeleteCitation", "MedlineCitation")
MONTHS = {
    m: f"{i:02d}"
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
EXCERPT_CHARS = 300

Rows = dict[str, list[tuple]]


def parse(stream: BinaryIO, batch_size: int) -> Iterator[ParsedBatch]:
    """Yield batches of at most `batch_size` records from a PubMed XML stream.

    Raises `DamagedFile` when the XML (or its gzip) breaks off; batches already yielded stay
    valid, and the caller decides whether to keep them (the loader does not).
    """
    events = etree.iterparse(
        stream,
        events=("end",),
        tag=RECORD_TAGS,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
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
            _free(elem)
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


def _free(elem: etree._Element) -> None:
    """Release a processed record and every earlier sibling still attached to the root."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


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
    record_hash = hashlib.blake2b(etree.tostring(elem), digest_size=16).hexdigest()
    if elem.tag == "PubmedBookArticle":
        return _read_book(elem, record_hash)
    citation = elem if elem.tag == "MedlineCitation" else elem.find("MedlineCitation")
    if citation is None:
        raise MalformedRecord(
            "PubmedArticle has no MedlineCitation (the element that holds the PMID and the "
            "article): the record is cut or damaged; get it again from NCBI"
        )
    return _read_citation(citation, elem.find("PubmedData"), record_hash)


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
    """Rows of a `MedlineCitation` and the `PubmedData` beside it."""
    pmid, version = _require_pmid(citation.find("PMID"))
    rows = empty_rows()
    article = citation.find("Article")
    if article is None:
        raise MalformedRecord(
            "MedlineCitation has no Article element (title, journal, authors): the record is "
            "cut or damaged; get it again from NCBI",
            pmid,
        )
    journal = article.find("Journal")
    issue = journal.find("JournalIssue") if journal is not None else None
    journal_info = citation.find("MedlineJournalInfo")
    ids = _article_ids(pmid, pubmed_data, article, rows)
    languages = [lang.text for lang in article.iterfind("Language") if lang.text]
    abstract = _abstract(pmid, article.find("Abstract"), rows)
    _authors(pmid, article.find("AuthorList"), citation.find("InvestigatorList"), rows)
    _publication_types(pmid, article.iterfind("PublicationTypeList/PublicationType"), rows)
    _grants(pmid, article.find("GrantList"), rows)
    _terms(pmid, citation.find("MeshHeadingList"), rows)
    _substances(pmid, citation.find("ChemicalList"), rows)
    _supplementary(pmid, citation.find("SupplMeshList"), rows)
    _keywords(pmid, citation.iterfind("KeywordList"), rows)
    _comments_corrections(pmid, citation.find("CommentsCorrectionsList"), rows)
    if pubmed_data is not None:
        _history(pmid, pubmed_data.find("History"), rows)
        _references(pmid, pubmed_data.iterfind("ReferenceList"), rows)
    rows["articles"].append(
        (
            pmid,
            version,
            _text(article.find("ArticleTitle")),
            _text(article.find("VernacularTitle")),
            abstract,
            journal.findtext("Title") if journal is not None else None,
            journal_info.findtext("MedlineTA") if journal_info is not None else None,
            journal.findtext("ISOAbbreviation") if journal is not None else None,
            journal_info.findtext("NlmUniqueID") if journal_info is not None else None,
            journal.findtext("ISSN") if journal is not None else None,
            journal_info.findtext("ISSNLinking") if journal_info is not None else None,
            issue.findtext("Volume") if issue is not None else None,
            issue.findtext("Issue") if issue is not None else None,
            _pages(article.find("Pagination")),
            _pub_date_raw(issue.find("PubDate") if issue is not None else None),
            _date(article.find("ArticleDate")),
            languages,
            ids.get("doi"),
            ids.get("pmc"),
            citation.get("Status"),
            _date(citation.find("DateCompleted")),
            _date(citation.find("DateRevised")),
            _text(citation.find("CoiStatement")),
            False,
            record_hash,
        )
    )
    return rows


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
    ids = _article_ids(pmid, book_data, document, rows)
    title = _text(document.find("ArticleTitle"))
    book_title = _text(book.find("BookTitle")) if book is not None else None
    abstract = _abstract(pmid, document.find("Abstract"), rows)
    author_list = _not_editors(document)
    if author_list is None and book is not None:
        author_list = _not_editors(book)  # a whole book: its authors are the record's
    _authors(pmid, author_list, None, rows)
    _publication_types(pmid, document.iterfind("PublicationType"), rows)
    _grants(pmid, document.find("GrantList"), rows)
    _keywords(pmid, document.iterfind("KeywordList"), rows)
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
    pmid: int, id_holder: etree._Element | None, article: etree._Element, rows: Rows
) -> dict[str, str]:
    """The article's own ids (ArticleIdList, then ELocationID); returns the first per type."""
    found: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    if id_holder is not None:
        for aid in id_holder.iterfind("ArticleIdList/ArticleId"):
            pairs.append((aid.get("IdType") or "unknown", (aid.text or "").strip()))
    for loc in article.iterfind("ELocationID"):
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
    for position, section in enumerate(abstract.iterfind("AbstractText"), 1):
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
    for position, (person, is_investigator) in enumerate(people, 1):
        orcid = None
        for ident in person.iterfind("Identifier"):
            if ident.get("Source") == "ORCID":
                orcid = (ident.text or "").strip() or None
                break
        rows["authors"].append(
            (
                pmid,
                position,
                person.findtext("LastName"),
                person.findtext("ForeName"),
                person.findtext("Initials"),
                person.findtext("Suffix"),
                _text(person.find("CollectiveName")),
                orcid,
                person.get("EqualContrib") == "Y",
                person.get("ValidYN", "Y") == "Y",
                is_investigator,
            )
        )
        for aff_position, info in enumerate(person.iterfind("AffiliationInfo"), 1):
            sources = {i.get("Source"): i.text for i in info.iterfind("Identifier")}
            rows["affiliations"].append(
                (
                    pmid,
                    position,
                    aff_position,
                    _text(info.find("Affiliation")),
                    sources.get("ROR"),
                    sources.get("GRID"),
                )
            )


def _publication_types(pmid: int, types: Iterator[etree._Element], rows: Rows) -> None:
    for position, ptype in enumerate(types, 1):
        rows["publication_types"].append((pmid, position, ptype.get("UI"), _text(ptype)))


def _grants(pmid: int, grant_list: etree._Element | None, rows: Rows) -> None:
    if grant_list is None:
        return
    for position, grant in enumerate(grant_list.iterfind("Grant"), 1):
        rows["grants"].append(
            (
                pmid,
                position,
                grant.findtext("GrantID"),
                grant.findtext("Acronym"),
                grant.findtext("Agency"),
                grant.findtext("Country"),
            )
        )


def _terms(pmid: int, heading_list: etree._Element | None, rows: Rows) -> None:
    """One row per heading x qualifier; a heading without qualifier gives one row."""
    if heading_list is None:
        return
    for position, heading in enumerate(heading_list.iterfind("MeshHeading"), 1):
        descriptor = heading.find("DescriptorName")
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
        qualifiers: dict[tuple, bool] = {}  # a qualifier repeated in one heading counts once
        for qualifier in heading.iterfind("QualifierName"):
            key = (qualifier.get("UI"), _text(qualifier))
            qualifiers[key] = qualifiers.get(key, False) or qualifier.get("MajorTopicYN") == "Y"
        if not qualifiers:
            rows["terms"].append((*head, None, None, None))
        for (ui, name), major in qualifiers.items():
            rows["terms"].append((*head, ui, name, major))


def _substances(pmid: int, chemical_list: etree._Element | None, rows: Rows) -> None:
    if chemical_list is None:
        return
    for position, chemical in enumerate(chemical_list.iterfind("Chemical"), 1):
        name = chemical.find("NameOfSubstance")
        rows["substances"].append(
            (
                pmid,
                position,
                chemical.findtext("RegistryNumber"),
                name.get("UI") if name is not None else None,
                _text(name),
            )
        )


def _supplementary(pmid: int, suppl_list: etree._Element | None, rows: Rows) -> None:
    if suppl_list is None:
        return
    for position, concept in enumerate(suppl_list.iterfind("SupplMeshName"), 1):
        rows["supplementary_concepts"].append(
            (pmid, position, concept.get("UI"), _text(concept), concept.get("Type"))
        )


def _keywords(pmid: int, keyword_lists: Iterator[etree._Element], rows: Rows) -> None:
    position = 0
    for keyword_list in keyword_lists:
        owner = keyword_list.get("Owner")
        for keyword in keyword_list.iterfind("Keyword"):
            text = _text(keyword)
            if text:
                position += 1
                rows["keywords"].append(
                    (pmid, position, text, owner, keyword.get("MajorTopicYN") == "Y")
                )


def _comments_corrections(pmid: int, cc_list: etree._Element | None, rows: Rows) -> None:
    if cc_list is None:
        return
    for position, link in enumerate(cc_list.iterfind("CommentsCorrections"), 1):
        rows["comments_corrections"].append(
            (
                pmid,
                position,
                link.get("RefType"),
                _try_int(link.findtext("PMID")),
                _text(link.find("RefSource")),
            )
        )


def _history(pmid: int, history: etree._Element | None, rows: Rows) -> None:
    if history is None:
        return
    for event in history.iterfind("PubMedPubDate"):
        rows["history_dates"].append((pmid, event.get("PubStatus"), _date(event)))


def _references(pmid: int, reference_lists: Iterator[etree._Element], rows: Rows) -> None:
    """Cited references of every (possibly nested) ReferenceList, numbered across lists."""
    position = 0
    for reference_list in reference_lists:
        for reference in reference_list.iter("Reference"):
            position += 1
            ids = {
                a.get("IdType"): (a.text or "").strip()
                for a in reference.iterfind("ArticleIdList/ArticleId")
            }
            rows["references"].append(
                (
                    pmid,
                    position,
                    _text(reference.find("Citation")),
                    _try_int(ids.get("pubmed")),
                    ids.get("doi") or None,
                )
            )


def _pages(pagination: etree._Element | None) -> str | None:
    if pagination is None:
        return None
    medline_pgn = pagination.findtext("MedlinePgn")
    if medline_pgn:
        return medline_pgn
    start, end = pagination.findtext("StartPage"), pagination.findtext("EndPage")
    if start and end:
        return f"{start}-{end}"
    return start


def _pub_date_raw(pub_date: etree._Element | None) -> str | None:
    """The publication date as written: MedlineDate, or Year Month|Season Day joined."""
    if pub_date is None:
        return None
    medline_date = pub_date.findtext("MedlineDate")
    if medline_date:
        return medline_date.strip()
    parts = [pub_date.findtext(tag) for tag in ("Year", "Month", "Season", "Day")]
    return " ".join(p.strip() for p in parts if p) or None


def _date(elem: etree._Element | None) -> str | None:
    """ISO date from Year/Month/Day children; month names and numbers both read."""
    if elem is None:
        return None
    year = elem.findtext("Year")
    if not year:
        return None
    month = (elem.findtext("Month") or "1").strip()
    month = MONTHS.get(month[:3].lower(), month)
    day = (elem.findtext("Day") or "1").strip()
    if not (year.strip().isdigit() and month.isdigit() and day.isdigit()):
        return None
    return f"{year.strip()}-{int(month):02d}-{int(day):02d}"


def _text(elem: etree._Element | None) -> str | None:
    """Text of an element with inline markup (`<i>`, `<sup>`, MathML) flattened."""
    if elem is None:
        return None
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
