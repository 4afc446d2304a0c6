"""The XML parser against real NCBI records: counts from independent XPath, exact values."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import CORPUS, XML_FILES
from warehouse.loading.load import load_file

RECORD_XPATHS = {
    "authors": (
        "count(MedlineCitation/Article/AuthorList/Author)"
        " + count(MedlineCitation/InvestigatorList/Investigator)"
        " + count(BookDocument/AuthorList[not(@Type='editors')]/Author)"
        " + count(BookDocument[not(AuthorList[not(@Type='editors')])]"
        "/Book/AuthorList[not(@Type='editors')]/Author)"
    ),
    "substances": "count(MedlineCitation/ChemicalList/Chemical)",
    "publication_types": (
        "count(MedlineCitation/Article/PublicationTypeList/PublicationType)"
        " + count(BookDocument/PublicationType)"
    ),
    "grants": (
        "count(MedlineCitation/Article/GrantList/Grant) + count(BookDocument/GrantList/Grant)"
    ),
    "references": "count(PubmedData/ReferenceList//Reference)",
}


def _records(path: Path) -> list[etree._Element]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        root = etree.parse(handle, etree.XMLParser(resolve_entities=False, no_network=True))
    root = root.getroot()
    if root.tag in ("PubmedArticle", "PubmedBookArticle"):
        return [root]
    return root.xpath("PubmedArticle | PubmedBookArticle | MedlineCitation")


def _pmid(record: etree._Element) -> int:
    return int(record.xpath("string(MedlineCitation/PMID | BookDocument/PMID | PMID)"))


def _expected_counts(record: etree._Element) -> dict[str, int]:
    """Rows per table for one record, counted by XPath over the whole parsed tree."""
    if record.tag == "MedlineCitation":  # legacy file: the record is the citation itself
        wrapper = etree.Element("PubmedArticle")
        wrapper.append(record)
        record = wrapper
    counts = {table: int(record.xpath(xpath)) for table, xpath in RECORD_XPATHS.items()}
    headings = record.xpath("MedlineCitation/MeshHeadingList/MeshHeading")
    counts["terms"] = sum(max(1, len(h.findall("QualifierName"))) for h in headings)
    return counts


@pytest.mark.parametrize("path", XML_FILES, ids=lambda p: p.name)
def test_corpus_file_loads_without_rejects(path: Path, xml_corpus_db) -> None:
    loaded = xml_corpus_db.execute(
        "select status, rejected from ingested_files where source_file = ?", [str(path)]
    ).fetchall()
    assert loaded == [("loaded", 0)]


@pytest.mark.parametrize("path", XML_FILES, ids=lambda p: p.name)
def test_rows_per_pmid_match_xpath_counts(path: Path, xml_corpus_db) -> None:
    con = xml_corpus_db
    for record in _records(path):
        pmid = _pmid(record)
        source = con.execute("select source_file from articles where pmid = ?", [pmid]).fetchone()
        if source is None or source[0] != str(path):
            continue  # another file holds the newer version of this PMID
        for table, expected in _expected_counts(record).items():
            got = con.execute(f'select count(*) from "{table}" where pmid = ?', [pmid]).fetchone()
            assert got[0] == expected, f"{path.name} PMID {pmid}: {table}"


def _article(con, pmid: int) -> dict:
    result = con.execute("select * from articles where pmid = ?", [pmid])
    columns = [d[0] for d in result.description]
    row = result.fetchone()
    assert row is not None, f"PMID {pmid} not loaded"
    return dict(zip(columns, row, strict=True))


def test_title_inline_markup_is_flattened(xml_corpus_db) -> None:
    title = _article(xml_corpus_db, 27797938)["title"]
    assert title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region "
        "and risk of pancreatic cancer."
    )


def test_medline_date_keeps_raw_text(xml_corpus_db) -> None:
    article = _article(xml_corpus_db, 20729678)
    assert article["pub_date_raw"] == "2010 Sep-Oct"
    assert article["pub_year"] == 2010
    assert str(article["pub_date"]) == "2010-09-01"


def test_structured_abstract_sections(xml_corpus_db) -> None:
    sections = xml_corpus_db.execute(
        "select label, nlm_category from abstract_sections where pmid = 29768149 order by position"
    ).fetchall()
    assert [s[0] for s in sections] == ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
    abstract = _article(xml_corpus_db, 29768149)["abstract"]
    assert abstract.startswith("BACKGROUND: ")
    assert " METHODS: " in abstract


def test_orcid_url_is_normalized(xml_corpus_db) -> None:
    """pubmed7.xml writes ORCIDs as https://orcid.org/... URLs."""
    orcids = xml_corpus_db.execute(
        "select orcid from authors where pmid = 29963580 and orcid is not null order by position"
    ).fetchall()
    assert ("0000-0002-4590-7461",) in orcids
    assert all(len(o[0]) == 19 for o in orcids)


def test_major_qualifier(xml_corpus_db) -> None:
    rows = xml_corpus_db.execute(
        """
        select descriptor_ui, descriptor_name, descriptor_major, qualifier_ui, qualifier_name,
            qualifier_major
        from terms where pmid = 17630804 and descriptor_ui = 'D006575'
        order by qualifier_name
        """
    ).fetchall()
    assert rows == [
        (
            "D006575",
            "Heterocyclic Compounds, 3-Ring",
            False,
            "Q000138",
            "chemical synthesis",
            False,
        ),
        ("D006575", "Heterocyclic Compounds, 3-Ring", False, "Q000737", "chemistry", True),
    ]
    molecular_structure = xml_corpus_db.execute(
        "select descriptor_major, qualifier_name from terms "
        "where pmid = 17630804 and descriptor_ui = 'D015394'"
    ).fetchall()
    assert molecular_structure == [(True, None)]


def test_book_article(xml_corpus_db) -> None:
    article = _article(xml_corpus_db, 20821847)
    assert article["is_book"] is True
    assert article["title"] == "Endocrinology: An Integrated Approach"
    assert article["pub_year"] == 2001
    authors = xml_corpus_db.execute(
        "select last_name from authors where pmid = 20821847 order by position"
    ).fetchall()
    assert authors == [("Nussey",), ("Whitehead",)]


def test_book_document_identifiers_are_the_books(xml_corpus_db) -> None:
    """A book's own ArticleIdList (inside BookDocument) gives its bookaccession."""
    rows = xml_corpus_db.execute(
        "select id_type, id_value from article_ids where pmid = 20821847 order by all"
    ).fetchall()
    assert rows == [("bookaccession", "NBK22"), ("pubmed", "20821847")]


BOOK = CORPUS / "xml/zotero/testcase01_20821847.xml"


def _book_with(ids: str, locations: str) -> bytes:
    """The corpus book with ArticleIds added to its BookDocument list and ELocationIDs after it."""
    text = BOOK.read_text(encoding="utf-8")
    text = text.replace(
        '<ArticleId IdType="bookaccession">NBK22</ArticleId>',
        '<ArticleId IdType="bookaccession">NBK22</ArticleId>' + ids,
    )
    text = text.replace(
        "</ArticleIdList>\n        <Book>", "</ArticleIdList>" + locations + "<Book>"
    )
    return text.encode()


@pytest.mark.parametrize(
    ("ids", "locations", "doi"),
    [
        # the BookDocument's ArticleIdList is the book's list: its doi wins over ELocationID
        (
            '<ArticleId IdType="doi">10.17226/1</ArticleId>',
            '<ELocationID EIdType="doi" ValidYN="Y">10.17226/2</ELocationID>',
            "10.17226/1",
        ),
        ("", '<ELocationID EIdType="doi" ValidYN="Y">10.17226/2</ELocationID>', "10.17226/2"),
        ("", '<ELocationID EIdType="doi" ValidYN="N">10.17226/2</ELocationID>', None),
    ],
)
def test_book_doi_follows_the_doi_rule(
    ids: str, locations: str, doi: str | None, fresh_db, tmp_path: Path
) -> None:
    path = tmp_path / "book.xml"
    path.write_bytes(_book_with(ids, locations))
    assert load_file(fresh_db, path).rejected == 0
    assert fresh_db.execute("select doi from articles").fetchall() == [(doi,)]
    all_ids = fresh_db.execute("select id_type, id_value from article_ids order by all")
    expected = {("bookaccession", "NBK22"), ("pubmed", "20821847")}
    expected |= {("doi", v) for v in ("10.17226/1", "10.17226/2") if v in ids + locations}
    if 'ValidYN="N"' in locations:
        expected.discard(("doi", "10.17226/2"))
    assert set(all_ids.fetchall()) == expected


def test_article_ids_are_the_articles_own(xml_corpus_db) -> None:
    """Cited references' PMIDs and DOIs never become the article's ids."""
    rows = xml_corpus_db.execute(
        "select id_type, id_value from article_ids where pmid = 30714901 order by all"
    ).fetchall()
    assert ("pubmed", "30714901") in rows
    assert all(value != "" for _, value in rows)
    pubmed_ids = [v for t, v in rows if t == "pubmed"]
    assert pubmed_ids == ["30714901"]
