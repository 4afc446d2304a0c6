"""The report's MeSH tree and citation sections: charts rendered by vl-convert and tables read
back from the page, each checked against counts computed here from the corpus XML and NLM's MeSH
sample files (the helpers of `tests/test_mesh_rollups.py` and `tests/test_citations.py`)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import duckdb
import lxml.etree
import lxml.html
import pytest

from tests import xml_facts as facts
from tests.conftest import CORPUS
from tests.test_citations import (
    GRAPH_FILES,
    NOTICE,
    RETRACTED,
    RETRACTION,
    expected_links,
    graph_citations,
)
from tests.test_mesh_rollups import DESC, SUPP, article_headings, expected_nodes, trees
from tests.test_report import render
from warehouse.db import connect
from warehouse.inputs import discover
from warehouse.loading.load import load_file
from warehouse.report import charts
from warehouse.report.page import chart_specs
from warehouse.report.sections import MOST_CITED, SUBTREES, render_report, report_data

FOCUS = "Diabetes Mellitus"  # D003920: two places in the 2016 sample (C18..., C19.246)
FOCUS_WITH_CHILDREN = "Animals"  # B01.050, above the Humans chain


@pytest.fixture(scope="module")
def mesh_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The corpus XML articles with the 2016 MeSH descriptor and supplementary samples."""
    con = connect(tmp_path_factory.mktemp("report-mesh") / "mesh.duckdb")
    for path in [*discover([CORPUS / "xml"]), DESC, SUPP]:
        load_file(con, path)
    yield con
    con.close()


@pytest.fixture(scope="module")
def graph_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The corpus XML and whole-search exports, whose reference lists cite each other."""
    con = connect(tmp_path_factory.mktemp("report-graph") / "graph.duckdb")
    for path in [*discover(GRAPH_FILES), DESC]:
        load_file(con, path)
    yield con
    con.close()


def page(con: duckdb.DuckDBPyConnection, term: str | None = None) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(render_report(con, term).encode())


def node_names() -> dict[str, str]:
    """Tree number -> "TREE NAME" as the report labels nodes held by the MeSH sample file."""
    names = {
        r.findtext("DescriptorUI"): r.findtext("DescriptorName/String")
        for r in ET.parse(DESC).getroot().iter("DescriptorRecord")
    }
    return {number: f"{number} {names[ui]}" for ui, places in trees().items() for number in places}


def drawn_nodes(marks: list[dict[str, str]]) -> dict[tuple[str, int], tuple[int, int]]:
    """(tree node, year) -> (articles, major-topic articles) of the heat map's cells."""
    return {
        (m["tree node"], int(m["year"])): (int(m["articles"]), int(m["as major topic"]))
        for m in marks
        if m["_kind"] == "rect mark"
    }


def table_rows(doc: lxml.html.HtmlElement, caption: str) -> list[dict[str, lxml.html.HtmlElement]]:
    """Rows of the table whose caption starts with CAPTION, as header -> cell."""
    [table] = doc.xpath(f'//table[starts-with(caption, "{caption}")]')
    header = [h.text for h in table.xpath("thead/tr/th")]
    return [dict(zip(header, tr.xpath("td"), strict=True)) for tr in table.xpath("tbody/tr")]


def number(cell: lxml.html.HtmlElement) -> int:
    return int(cell.text_content().replace(",", ""))


def test_tree_tops_per_year_match_the_mesh_files(mesh_db) -> None:
    expected = {
        (node_names().get(node, node), year): counts
        for (node, year), counts in expected_nodes().items()
        if "." not in node and year is not None
    }
    assert len({name for name, _ in expected}) <= charts.MESH_NODES  # so every top is drawn
    spec = chart_specs(report_data(mesh_db))["mesh-tree"]
    assert drawn_nodes(render(spec)) == expected
    assert ("C04 Neoplasms", 2011) in expected and expected[("B01", 2014)][0] > 1


def test_largest_subtrees_below_the_tops(mesh_db) -> None:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (node, _), (articles, major) in expected_nodes().items():
        if node.count(".") == 1:
            totals[node][0] += articles
            totals[node][1] += major
    ranked = sorted(totals.items(), key=lambda item: (-item[1][0], item[0]))[:SUBTREES]
    rows = table_rows(page(mesh_db), "Largest MeSH subtrees one level below the tops")
    found = [
        (r["tree number"].text, [number(r["articles"]), number(r["as major topic"])]) for r in rows
    ]
    assert found == ranked and found[0][0] == "B01.050"
    names = node_names()
    for row in rows:
        tree = row["tree number"].text
        name = names[tree].removeprefix(f"{tree} ") if tree in names else None
        assert row["descriptor"].text == (name or "(not in the loaded MeSH file)")


def focus_subtree(ui: str) -> dict[int, tuple[int, int]]:
    """Year -> (articles, major) indexed at or below any place of descriptor UI, once each."""
    places = trees()
    below = {
        n
        for other in places.values()
        for n in other
        if any(n == t or n.startswith(t + ".") for t in places[ui])
    }
    pmids: dict[int, set[int]] = defaultdict(set)
    majors: dict[int, set[int]] = defaultdict(set)
    for pmid, citation in facts.citations().items():
        year = facts.pub_year(citation)
        for heading, major in article_headings(citation).items():
            if year is not None and set(places.get(heading, [])) & below:
                pmids[year].add(pmid)
                if major:
                    majors[year].add(pmid)
    return {year: (len(found), len(majors[year])) for year, found in pmids.items()}


def test_a_term_charts_its_places_and_its_whole_subtree_once(mesh_db) -> None:
    data = report_data(mesh_db, FOCUS.upper())
    assert data.mesh.focus == FOCUS and data.mesh.mesh_year == 2016
    places = trees()["D003920"]
    nodes = expected_nodes()
    expected = {
        (node_names()[node], year): counts
        for (node, year), counts in nodes.items()
        if node in places and year is not None
    }
    whole = f"{FOCUS} (all its places, each article once)"
    expected |= {(whole, year): counts for year, counts in focus_subtree("D003920").items()}
    assert len(places) == 2 and expected
    assert drawn_nodes(render(chart_specs(data)["mesh-tree"])) == expected
    doc = page(mesh_db, FOCUS)
    assert doc.xpath('//section[@id="mesh"]/h2/text()') == [f"MeSH tree: {FOCUS} (MeSH 2016)"]
    assert not [n for n, _ in nodes if n.startswith(tuple(p + "." for p in places))]
    [none] = doc.xpath('//p[@id="no-subtrees"]/text()')
    assert none == f"No article is indexed one level below {FOCUS}'s tree nodes."


def test_a_term_lists_the_largest_subtrees_below_it(mesh_db) -> None:
    [place] = trees()["D000818"]
    totals: Counter = Counter()
    for (node, _), (articles, _) in expected_nodes().items():
        if node.startswith(place + ".") and node.count(".") == place.count(".") + 1:
            totals[node] += articles
    rows = table_rows(page(mesh_db, FOCUS_WITH_CHILDREN.lower()), "Largest MeSH subtrees")
    found = [(r["tree number"].text, number(r["articles"])) for r in rows]
    assert found == sorted(totals.items(), key=lambda item: (-item[1], item[0])) and found


def test_a_term_outside_the_loaded_mesh_shows_the_tops(mesh_db) -> None:
    data = report_data(mesh_db, "lung neoplasms")
    assert data.mesh.focus is None
    doc = page(mesh_db, "lung neoplasms")
    [note] = doc.xpath('//section[@id="mesh"]/p[@class="none"]/text()')
    assert note.startswith("Lung Neoplasms is not in the loaded MeSH descriptors: showing the tops")
    assert doc.xpath('//figure[@data-chart="mesh-tree"]')


def test_without_mesh_the_section_says_how_to_load_it(xml_corpus_db) -> None:
    doc = page(xml_corpus_db)
    [section] = doc.xpath('//section[@id="mesh"]')
    text = section.text_content()
    assert "No MeSH descriptor vocabulary is loaded" in text
    assert "pubmed-warehouse load desc2026.xml.gz" in text and "sync --mesh URL" in text
    assert not doc.xpath('//figure[@data-chart="mesh-tree"]')


def test_most_cited_articles_match_the_reference_lists(graph_db) -> None:
    links = expected_links()
    cited = Counter(other for _, other in links)
    citing_years: dict[int, list[int]] = defaultdict(list)
    for citing, other in links:
        citing_years[other].append(facts.pub_year(graph_citations()[citing]))
    ranked = sorted(cited.items(), key=lambda item: (-item[1], item[0]))[:MOST_CITED]
    rows = table_rows(page(graph_db), "Most-cited articles")
    found = [(int(r["PubMed"].text_content()), number(r["cited by"])) for r in rows]
    assert found == ranked and len(found) > 1
    for row in rows:
        pmid = int(row["PubMed"].text_content())
        assert row["PubMed"].xpath("a/@href") == [f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"]
        first, last = min(citing_years[pmid]), max(citing_years[pmid])
        assert row["cited in"].text == (str(first) if first == last else f"{first}–{last}")


def test_citations_per_year_match_the_reference_lists(graph_db) -> None:
    links = expected_links()
    year_of = {pmid: facts.pub_year(c) for pmid, c in graph_citations().items()}
    citations = Counter(year_of[citing] for citing, _ in links)
    cited = Counter(year for year, _ in {(year_of[c], other) for c, other in links})
    marks = render(chart_specs(report_data(graph_db))["citations-per-year"])
    drawn = {
        int(m["citing year"]): (number_of(m["citations"]), number_of(m["articles cited"]))
        for m in marks
    }
    assert drawn == {year: (n, cited[year]) for year, n in citations.items() if year is not None}


def number_of(label: str) -> int:
    return int(label.replace(",", ""))


def test_no_retraction_in_the_corpus_is_said_plainly(graph_db) -> None:
    retraction_marks = [
        c
        for c in graph_citations().values()
        if c.xpath('.//PublicationType[text()="Retracted Publication"]')
        or c.xpath('.//CommentsCorrections[starts-with(@RefType, "Retraction")]')
    ]
    assert retraction_marks == []
    doc = page(graph_db)
    assert doc.xpath('//p[@id="no-retractions"]/text()') == [
        "No retracted article is in the warehouse."
    ]


def citing_years(path: Path, pmid: int) -> list[int]:
    """Publication years of the articles in PATH whose reference list cites PMID."""
    root = lxml.etree.parse(str(path)).getroot()
    return [
        int(article.findtext(".//JournalIssue/PubDate/Year"))
        for article in root.iter("PubmedArticle")
        if article.xpath(f'.//ReferenceList//ArticleId[@IdType="pubmed"][text()="{pmid}"]')
    ]


def test_retracted_articles_and_who_cites_them_after(db_path: Path) -> None:
    fixture = RETRACTION / "retraction_pair.xml"
    con = connect(db_path)
    try:
        assert load_file(con, fixture).rejected == 0
        doc = page(con)
    finally:
        con.close()
    [row] = table_rows(doc, "Retracted articles")
    assert row["PubMed"].xpath("a/@href") == [f"https://pubmed.ncbi.nlm.nih.gov/{RETRACTED}/"]
    assert row["retraction notice"].xpath("a/@href") == [
        f"https://pubmed.ncbi.nlm.nih.gov/{NOTICE}/"
    ]
    assert (row["year"].text, row["retracted"].text) == ("2010", "2012-05-15")
    years = citing_years(fixture, RETRACTED)
    after = [y for y in years if y > 2012]  # the notice is of 2012-05-15; none cites in 2012
    assert 2012 not in years and len(years) == 2 and len(after) == 1
    assert [number(row[c]) for c in ("cited by", "cited after retraction")] == [
        len(years),
        len(after),
    ]
    assert number(row["cited, date unclear"]) == 0
    assert doc.xpath('//section[@id="mesh"]//code/text()')  # no MeSH here: how to load it
