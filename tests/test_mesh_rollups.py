"""MeSH roll-ups: articles per year at or below a tree node, a descriptor or an action.

Every count is checked against the same roll-up computed here in Python, from the corpus XML
(read with lxml, `tests/xml_facts.py`) and NLM's MeSH files (read with the standard library).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests import xml_facts as facts
from tests.conftest import CORPUS, REPO
from warehouse.db import connect
from warehouse.inputs import discover
from warehouse.loading.load import load_file

MESH = CORPUS / "mesh" / "meshrdf"
DESC, SUPP = MESH / "desc-samples.xml", MESH / "supp-samples.xml"
EXAMPLES = REPO / "sql" / "examples"
Counts = dict[tuple[str, int | None], tuple[int, int]]


@pytest.fixture(scope="module")
def mesh_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The corpus XML articles with the 2016 MeSH descriptor and supplementary samples."""
    con = connect(tmp_path_factory.mktemp("mesh") / "mesh.duckdb")
    for path in [*discover([CORPUS / "xml"]), DESC, SUPP]:
        load_file(con, path)
    yield con
    con.close()


def trees() -> dict[str, list[str]]:
    """Descriptor UI -> tree numbers, from the MeSH file."""
    return {
        r.findtext("DescriptorUI"): [t.text for t in r.iterfind("TreeNumberList/TreeNumber")]
        for r in ET.parse(DESC).getroot().iter("DescriptorRecord")
    }


def mapped_headings() -> dict[str, set[str]]:
    """Supplementary record UI -> descriptor UIs it is mapped to."""
    return {
        r.findtext("SupplementalRecordUI"): {
            d.text.lstrip("*") for d in r.iterfind("HeadingMappedToList/*/*/DescriptorUI")
        }
        for r in ET.parse(SUPP).getroot().iter("SupplementalRecord")
    }


def article_headings(citation) -> dict[str, bool]:
    """Descriptor UI -> major, for one corpus citation, mapped headings included."""
    found: dict[str, bool] = {}
    for heading in citation.iterfind("MeshHeadingList/MeshHeading"):
        ui = heading.find("DescriptorName").get("UI")
        major = any(e.get("MajorTopicYN") == "Y" for e in heading if e.tag.endswith("Name"))
        found[ui] = found.get(ui, False) or major
    records = {e.get("UI") for e in citation.iterfind("SupplMeshList/SupplMeshName")}
    records |= {e.get("UI") for e in citation.iterfind("ChemicalList/Chemical/NameOfSubstance")}
    mapping = mapped_headings()
    for record in records:
        for ui in mapping.get(record, ()):
            found.setdefault(ui, False)
    return found


def expected_nodes() -> Counts:
    """(tree node, year) -> (articles, major articles), computed from the XML files."""
    places = trees()
    pmids: dict[tuple[str, int | None], set[int]] = defaultdict(set)
    majors: dict[tuple[str, int | None], set[int]] = defaultdict(set)
    for pmid, citation in facts.citations().items():
        year = facts.pub_year(citation)
        for ui, major in article_headings(citation).items():
            for number in places.get(ui, []):
                parts = number.split(".")
                for depth in range(1, len(parts) + 1):
                    key = (".".join(parts[:depth]), year)
                    pmids[key].add(pmid)
                    if major:
                        majors[key].add(pmid)
    return {key: (len(found), len(majors[key])) for key, found in pmids.items()}


def view_counts(con: duckdb.DuckDBPyConnection, view: str, key: str) -> Counts:
    found = con.execute(
        f"select {key}, pub_year, article_count, major_article_count from {view}"
    ).fetchall()
    return {(node, year): (count, major) for node, year, count, major in found}


def test_every_tree_node_counts_each_article_once_per_year(mesh_db) -> None:
    expected = expected_nodes()
    assert view_counts(mesh_db, "mesh_node_by_year", "tree_number") == expected
    animals = sum(n for (node, _), (n, _) in expected.items() if node == "B01.050")
    [humans_tree] = trees()["D006801"]
    humans = sum(n for (node, _), (n, _) in expected.items() if node == humans_tree)
    only_animals = sum(1 for c in facts.citations().values() if "D000818" in article_headings(c))
    assert humans_tree.startswith("B01.050.")
    assert max(humans, only_animals) < animals <= humans + only_animals  # each counted once


def test_descriptor_rollup_spans_all_its_tree_numbers(mesh_db) -> None:
    places = trees()
    nodes = expected_nodes()
    for ui in ("D003920", "D000818", "D009369"):
        below = {
            number
            for other in places.values()
            for number in other
            if any(number == t or number.startswith(t + ".") for t in places[ui])
        }
        years: dict[int | None, set[int]] = defaultdict(set)
        for pmid, citation in facts.citations().items():
            headings = article_headings(citation)
            if any(n in below for h in headings for n in places.get(h, [])):
                years[facts.pub_year(citation)].add(pmid)
        found = mesh_mesh(mesh_db, ui)
        assert found == {year: len(p) for year, p in years.items()}, ui
        assert sum(found.values()) >= max(
            sum(n for (node, _), (n, _) in nodes.items() if node == t) for t in places[ui]
        )


def mesh_mesh(con: duckdb.DuckDBPyConnection, ui: str) -> dict[int | None, int]:
    found = con.execute(
        "select pub_year, article_count from mesh_descriptor_rollup_by_year "
        "where descriptor_ui = ?",
        [ui],
    ).fetchall()
    return dict(found)


def test_pharmacological_actions_reach_articles_through_substances(mesh_db) -> None:
    actions: dict[str, set[str]] = defaultdict(set)
    for path, tag, ui_path in (
        (DESC, "DescriptorRecord", "DescriptorUI"),
        (SUPP, "SupplementalRecord", "SupplementalRecordUI"),
    ):
        for record in ET.parse(path).getroot().iter(tag):
            for action in record.iterfind(".//PharmacologicalAction/*/DescriptorUI"):
                actions[action.text].add(record.findtext(ui_path))
    places = trees()
    for action, records in list(actions.items()):
        for number in places.get(action, []):
            parts = number.split(".")
            for depth in range(1, len(parts)):
                above = ".".join(parts[:depth])
                for ui, numbers in places.items():
                    if above in numbers:
                        actions[ui] |= records
    expected: dict[tuple[str, int | None], set[int]] = defaultdict(set)
    for pmid, citation in facts.citations().items():
        uis = {e.get("UI") for e in citation.iter("DescriptorName", "NameOfSubstance")}
        uis |= {e.get("UI") for e in citation.iterfind("SupplMeshList/SupplMeshName")}
        for action, records in actions.items():
            if uis & records:
                expected[(action, facts.pub_year(citation))].add(pmid)
    found = mesh_db.execute(
        "select action_ui, pub_year, article_count from mesh_pharmacological_action_by_year"
    ).fetchall()
    assert {(a, y): n for a, y, n in found} == {k: len(v) for k, v in expected.items()}
    assert {a for a, _, _ in found} >= {"D014131"}  # Trace Elements, through Iron


def test_a_renamed_descriptor_rolls_up_through_its_ui(mesh_db, tmp_path: Path) -> None:
    """Articles indexed under another name of D003920 still count under it and its parents."""
    before = mesh_mesh(mesh_db, "D003920")
    old_name = ">Diabetes Mellitus<"
    sources = [p for p in facts.XML_FILES if old_name in _text(p)]
    assert sources and sum(before.values()) > 0
    con = connect(tmp_path / "renamed.duckdb")
    try:
        for path in [*discover([CORPUS / "xml"]), DESC, SUPP]:
            if path in sources:
                renamed = tmp_path / path.name.removesuffix(".gz")
                new_name = ">Diabetes Mellitus (former name)<"
                renamed.write_text(_text(path).replace(old_name, new_name), encoding="utf-8")
                path = renamed
            load_file(con, path)
        names = con.execute(
            "select distinct descriptor_name from terms where descriptor_ui = 'D003920'"
        ).fetchall()
        assert names == [("Diabetes Mellitus (former name)",)]
        assert mesh_mesh(con, "D003920") == before
    finally:
        con.close()


def _text(path: Path) -> str:
    import gzip

    data = path.read_bytes()
    return (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8")


def test_example_action_query(mesh_db) -> None:
    sql = (EXAMPLES / "articles_about_action.sql").read_text(encoding="utf-8")
    found = mesh_db.execute(sql.replace("'D016861'", "'D014131'")).fetchall()
    iron = [c for c in facts.citations().values() if "D007501" in article_headings(c)]
    assert sorted((year, n) for _, year, n, _ in found) == sorted(
        (year, sum(1 for c in iron if facts.pub_year(c) == year))
        for year in {facts.pub_year(c) for c in iron}
    )
    assert {name for name, *_ in found} == {"Trace Elements"}


def test_example_subtree_query(mesh_db) -> None:
    sql = (EXAMPLES / "mesh_subtree_by_year.sql").read_text(encoding="utf-8")
    found = mesh_db.execute(sql).fetchall()
    expected = expected_nodes()
    assert [(year, n, major) for year, n, major, _ in found] == sorted(
        (year, n, major) for (node, year), (n, major) in expected.items() if node == "C19.246"
    )


@pytest.mark.parametrize(
    ("view", "key"),
    [
        ("article_mesh_headings", "pmid, descriptor_ui"),
        ("mesh_ancestors", "ancestor_tree_number, tree_number"),
        ("mesh_node_by_year", "tree_number, pub_year"),
        ("mesh_descriptor_rollup_by_year", "descriptor_ui, pub_year"),
        ("mesh_pharmacological_action_by_year", "action_ui, pub_year"),
    ],
)
def test_grains_are_keys(mesh_db, view: str, key: str) -> None:
    [(count, distinct)] = mesh_db.execute(
        f"select count(*), count(distinct ({key})) from {view}"
    ).fetchall()
    assert count == distinct > 0
