"""The abstract-text parser: the saved page (exact rows) and efetch `rettype=abstract` output."""

from __future__ import annotations

import io

import pytest

from tests.conftest import CORPUS, corpus_files
from warehouse.formats import abstract_text
from warehouse.formats.registry import detect_format
from warehouse.loading.load import load_file

SEED = CORPUS / "abstract-text/seed/000_c38d207a938d1e54.txt"
EFETCH = CORPUS / "abstract-text/edirectcheminfo/17630804_abstract.txt"
ABSTRACT_FILES = corpus_files("abstract-text", "*.txt")


def count(con, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


@pytest.fixture
def seed_db(fresh_db):
    """A warehouse holding only the saved abstract page."""
    result = load_file(fresh_db, SEED)
    assert (result.format, result.inserted, result.rejected) == ("abstract-text", 1, 0)
    return fresh_db


def test_every_abstract_text_file_loads_without_reject(fresh_db) -> None:
    for path in ABSTRACT_FILES:
        assert detect_format(path.read_bytes()) == "abstract-text"
        result = load_file(fresh_db, path)
        assert (result.status, result.inserted, result.rejected) == ("loaded", 1, 0), path


def test_saved_page_article(seed_db) -> None:
    article = seed_db.execute(
        "select pmid, title, journal_abbrev, pub_year, volume, issue, pages, pub_date_raw,"
        " pub_date, source_format from articles"
    ).fetchall()
    assert len(article) == 1
    pmid, *values = article[0]
    assert pmid < 0  # no PMID on the page: a surrogate
    assert values[:6] == [
        "An overview on immune system and migraine",
        "Eur Rev Med Pharmacol Sci",
        2007,
        "11",
        "4",
        "245-8",
    ]
    assert values[6] == "2007 Jul-Aug"
    assert str(values[7]) == "2007-07-01"
    assert count(seed_db, "select count(*) from abstract_sections") == 0
    abstract = seed_db.execute("select abstract from articles").fetchone()[0]
    assert abstract.startswith("The pathogenesis of migraine is still unclear")
    assert abstract.endswith("the role of the immune system in migraine.")


def test_saved_page_lists(seed_db) -> None:
    assert seed_db.execute("select name from publication_types").fetchall() == [("Review",)]
    assert count(seed_db, "select count(*) from terms") == 14
    assert count(seed_db, "select count(distinct descriptor_name) from terms") == 13
    assert count(seed_db, "select count(distinct heading_position) from terms") == 13
    majors = seed_db.execute(
        "select descriptor_name, qualifier_name from terms where qualifier_major order by 1"
    ).fetchall()
    assert majors == [
        ("Cytokines", "metabolism"),
        ("Immune System", "metabolism"),
        ("Migraine Disorders", "immunology"),
    ]
    assert count(seed_db, "select count(*) from terms where descriptor_major") == 0
    assert count(seed_db, "select count(*) from terms where qualifier_name is null") == 2
    substances = seed_db.execute("select name from substances order by position").fetchall()
    assert len(substances) == 11
    assert substances[0] == ("CCL2 protein, human",) and substances[-1] == ("Interferon-gamma",)


def test_surrogate_pmid_is_deterministic_and_negative() -> None:
    first = list(abstract_text.parse(io.BytesIO(SEED.read_bytes()), 10))
    crlf = SEED.read_bytes().replace(b"\n", b"\r\n")
    second = list(abstract_text.parse(io.BytesIO(b"\xef\xbb\xbf" + crlf), 10))
    pmid = first[0].rows["articles"][0][0]
    assert pmid < 0 and second[0].rows["articles"][0][0] == pmid
    assert first[0].rows["terms"] == second[0].rows["terms"]


def test_efetch_abstract_record(fresh_db) -> None:
    load_file(fresh_db, EFETCH)
    article = fresh_db.execute(
        "select pmid, title, journal_abbrev, pub_date_raw, volume, issue, pages, article_date,"
        " doi, status from articles"
    ).fetchone()
    assert article[:7] == (
        17630804,
        "Total synthesis and absolute configuration determination of (+)-bruguierol C.",
        "J Org Chem",
        "2007 Aug 17",
        "72",
        "17",
        "6621-3",
    )
    assert (str(article[7]), article[8], article[9]) == (
        "2007-07-14",
        "10.1021/jo071035l",
        "MEDLINE",
    )
    authors = fresh_db.execute("select last_name, initials from authors order by position")
    assert authors.fetchall() == [("Solorio", "DM"), ("Jennings", "MP")]
    affiliation = fresh_db.execute("select author_position, affiliation from affiliations")
    assert affiliation.fetchall() == [
        (
            1,
            "Department of Chemistry, 500 Campus Drive, The University of Alabama, Tuscaloosa,"
            " Alabama 35487-0336, USA.",
        )
    ]


def test_several_efetch_records_in_one_file() -> None:
    text = EFETCH.read_text()
    second = text.replace("1. J Org Chem", "2. J Org Chem").replace("17630804", "17630805")
    batches = list(abstract_text.parse(io.BytesIO((text + "\n\n" + second).encode()), 1))
    assert [b.rows["articles"][0][0] for b in batches] == [17630804, 17630805]


def test_text_without_citation_is_rejected() -> None:
    batches = list(abstract_text.parse(io.BytesIO(b"Just a title\n\nPublication types\n"), 10))
    assert [r.reason[:11] for r in batches[0].rejects] == ["no citation"]
