"""The citation graph: times cited, references in the warehouse, retractions and their reach."""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import duckdb
import pytest
from lxml import etree

from tests import xml_facts as facts
from tests.conftest import CORPUS, REPO, TEST_DATA, XML_FILES, corpus_files
from warehouse.db import connect
from warehouse.inputs import discover
from warehouse.loading.load import load_file

EXAMPLES = REPO / "sql" / "examples"
RETRACTION = TEST_DATA / "retraction"
RETRACTED, NOTICE, EARLY, LATE, ERRATUM = 99000001, 99000002, 99000003, 99000004, 99000005


GRAPH_FILES = [*XML_FILES, *corpus_files("pairs/_sets", "*.xml")]
"""The corpus XML plus the whole-search exports, whose reference lists cite each other."""


@cache
def graph_citations() -> dict[int, etree._Element]:
    """MedlineCitation per PMID of GRAPH_FILES (first seen), without deleted PMIDs."""
    found: dict[int, etree._Element] = {}
    deleted: set[int] = set()
    for path in GRAPH_FILES:
        data = path.read_bytes()
        root = etree.fromstring(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
        deleted |= {int(e.text) for e in root.iterfind(".//DeleteCitation/PMID")}
        for citation in root.iter("MedlineCitation"):
            found.setdefault(int(citation.findtext("PMID")), citation)
    return {pmid: c for pmid, c in found.items() if pmid not in deleted}


@pytest.fixture(scope="module")
def graph_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse holding GRAPH_FILES and the 2016 MeSH descriptor sample."""
    con = connect(tmp_path_factory.mktemp("graph") / "graph.duckdb")
    for path in [*discover(GRAPH_FILES), CORPUS / "mesh/meshrdf/desc-samples.xml"]:
        load_file(con, path)
    yield con
    con.close()


def expected_links() -> set[tuple[int, int]]:
    """(citing, cited) PMIDs of GRAPH_FILES, both loaded, read straight from the XML."""
    citations = graph_citations()
    links = set()
    for pmid, citation in citations.items():
        data = citation.getparent().find("PubmedData")
        cited = {
            int(i.text)
            for i in (data.iter("ArticleId") if data is not None else ())
            if i.get("IdType") == "pubmed" and i.getparent().getparent().tag == "Reference"
        }
        cited |= {
            int(c.findtext("PMID"))
            for c in citation.iterfind("CommentsCorrectionsList/CommentsCorrections")
            if c.get("RefType") == "Cites" and c.findtext("PMID")
        }
        links |= {(pmid, other) for other in cited if other in citations and other != pmid}
    return links


def test_citation_graph_matches_the_corpus_xml(graph_db: duckdb.DuckDBPyConnection) -> None:
    expected = expected_links()
    found = graph_db.execute("select citing_pmid, cited_pmid from citation_graph").fetchall()
    assert set(found) == expected and len(found) == len(expected) > 5
    times_cited = Counter(cited for _, cited in expected)
    summary = dict(
        graph_db.execute(
            "select pmid, times_cited from citation_summary where times_cited > 0"
        ).fetchall()
    )
    assert summary == dict(times_cited)
    by_year = Counter(
        (cited, facts.pub_year(graph_citations()[citing])) for citing, cited in expected
    )
    rows = graph_db.execute(
        "select pmid, citing_pub_year, times_cited from citations_by_year"
    ).fetchall()
    assert {(p, y): n for p, y, n in rows} == dict(by_year)
    in_warehouse = Counter(citing for citing, _ in expected)
    refs = graph_db.execute(
        "select pmid, references_in_warehouse from citation_summary "
        "where references_in_warehouse > 0"
    ).fetchall()
    assert dict(refs) == dict(in_warehouse)
    [(articles, summaries)] = graph_db.execute(
        "select (select count(*) from articles), count(*) from citation_summary"
    ).fetchall()
    assert articles == summaries


@pytest.fixture
def retraction_db(db_path: Path) -> duckdb.DuckDBPyConnection:
    con = connect(db_path)
    assert load_file(con, RETRACTION / "retraction_pair.xml").rejected == 0
    yield con
    con.close()


def test_a_retraction_pair_and_who_cites_it(retraction_db) -> None:
    [(pmid, notice, retracted_on, year, typed, linked)] = retraction_db.execute(
        "select pmid, notice_pmid, retracted_on, retraction_year, has_retracted_type, "
        "has_retraction_link from retracted_articles"
    ).fetchall()
    assert (pmid, notice, str(retracted_on), year, typed, linked) == (
        RETRACTED,
        NOTICE,
        "2012-05-15",
        2012,
        True,
        True,
    )
    citing = retraction_db.execute(
        "select citing_pmid, cites_after_retraction from retracted_citations order by 1"
    ).fetchall()
    assert citing == [(EARLY, False), (LATE, True)]
    notices = retraction_db.execute(
        "select pmid, notice_type, notice_pmid from correction_notices order by 1"
    ).fetchall()
    assert notices == [(RETRACTED, "retraction", NOTICE), (LATE, "erratum", ERRATUM)]


def test_examples_on_the_retraction_pair(retraction_db) -> None:
    sql = (EXAMPLES / "citing_retracted_work.sql").read_text(encoding="utf-8")
    after = retraction_db.execute(sql).fetchall()
    assert [(row[0], row[3]) for row in after] == [(LATE, RETRACTED)]
    every = retraction_db.execute(sql.replace("true as after_only", "false as after_only"))
    assert [row[0] for row in every.fetchall()] == [EARLY, LATE]


def test_replaced_and_deleted_articles_leave_the_graph(retraction_db) -> None:
    assert retraction_db.execute("select count(*) from citation_graph").fetchall() == [(3,)]
    update = load_file(retraction_db, RETRACTION / "pubmed26n9001.xml")
    assert (update.replaced, update.deleted) == (1, 1)
    assert retraction_db.execute("select count(*) from citation_graph").fetchall() == [(0,)]
    assert retraction_db.execute("select count(*) from retracted_citations").fetchall() == [(0,)]
    summary = retraction_db.execute(
        "select pmid, times_cited from citation_summary order by pmid"
    ).fetchall()
    assert summary == [(RETRACTED, 0), (NOTICE, 0), (EARLY, 0), (ERRATUM, 0)]
    # the erratum still names the deleted article, which is gone from the warehouse
    assert retraction_db.execute(
        "select pmid from correction_notices where notice_type = 'erratum'"
    ).fetchall() == [(LATE,)]


def test_most_cited_in_subtree_example(graph_db) -> None:
    sql = (EXAMPLES / "most_cited_in_subtree.sql").read_text(encoding="utf-8")
    found = graph_db.execute(sql).fetchall()
    citations = graph_citations()
    animals = {
        pmid for pmid, c in citations.items() if {"Animals", "Humans"} & set(facts.descriptors(c))
    }
    counts = Counter(
        (facts.pub_year(citations[citing]), cited)
        for citing, cited in expected_links()
        if cited in animals
    )
    assert found and len(found) == len(counts)  # fewer than 10 per year here
    assert {(year, pmid): n for year, _, pmid, _, n in found} == dict(counts)


@pytest.mark.parametrize(
    ("view", "key"),
    [
        ("citation_graph", "citing_pmid, cited_pmid"),
        ("citation_summary", "pmid"),
        ("citations_by_year", "pmid, citing_pub_year"),
        ("correction_notices", "pmid, notice_type, notice_pmid"),
        ("retracted_articles", "pmid"),
        ("retracted_citations", "citing_pmid, retracted_pmid"),
    ],
)
def test_grains_are_keys(retraction_db, view: str, key: str) -> None:
    [(count, distinct)] = retraction_db.execute(
        f"select count(*), count(distinct ({key})) from {view}"
    ).fetchall()
    assert count == distinct > 0
