"""The NIH Open Citation Collection beside PubMed's reference lists, on pairs among corpus PMIDs.

Every test writes its own OCC-shaped CSV (`citing,referenced`) and zip; the expected counts are
computed here from that CSV and from the corpus XML (tests/test_citations.py reads the links
PubMed's records carry), never from the warehouse.
"""

from __future__ import annotations

import os
import subprocess
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests import xml_facts as facts
from tests.conftest import CLI, CORPUS, TEST_DATA
from tests.test_citations import GRAPH_FILES, expected_links, graph_citations
from warehouse.db import connect
from warehouse.inputs import discover
from warehouse.loading.load import load_file
from warehouse.readers.checks import run_checks
from warehouse.readers.snapshot import publish_readers_copy

ABSENT = 39_900_000  # PMIDs from here on are in no corpus file
LATER = CORPUS / "pairs/30034368/30034368.xml"


def write_occ(path: Path, pairs: list[tuple[int, int]]) -> Path:
    """An OCC-shaped CSV: the iCite header, then one `citing,referenced` line per pair."""
    path.write_text("citing,referenced\n" + "".join(f"{a},{b}\n" for a, b in pairs))
    return path


def zipped(csv: Path) -> Path:
    """The CSV inside `open_citation_collection.zip`, as iCite publishes it."""
    target = csv.with_name("open_citation_collection.zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(csv, "open_citation_collection.csv")
    return target


def occ_pairs(loaded: list[int], pubmed: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half of PubMed's own links, new links among loaded articles, links reaching outside the
    warehouse on either side, a duplicate and an article citing itself."""
    overlap = sorted(pubmed)[::2]
    count = len(loaded)
    new = [(loaded[i], loaded[(i * 7 + 3) % count]) for i in range(0, count, 3)]
    outside = [(loaded[i], ABSENT + i) for i in range(0, count, 5)]
    outside += [(ABSENT + i, loaded[i]) for i in range(0, count, 5)]
    return [*overlap, *new, *outside, overlap[0], (loaded[0], loaded[0])]


def expected_graph(
    pairs: list[tuple[int, int]], pubmed: set[tuple[int, int]], loaded: set[int]
) -> dict[tuple[int, int], str]:
    """(citing, cited) -> source, both articles loaded, each link once, self-citations out."""
    occ = {(a, b) for a, b in pairs if a in loaded and b in loaded and a != b}
    links = {link: "pubmed" for link in pubmed}
    links |= {link: "both" if link in pubmed else "occ" for link in occ}
    return links


@pytest.fixture(scope="module")
def pubmed_links() -> set[tuple[int, int]]:
    return expected_links()


@pytest.fixture(scope="module")
def occ_db(
    tmp_path_factory: pytest.TempPathFactory, pubmed_links: set[tuple[int, int]]
) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[tuple[int, int]], Path]]:
    """The corpus graph files loaded, then an OCC zip of pairs among their PMIDs."""
    folder = tmp_path_factory.mktemp("occ")
    con = connect(folder / "occ.duckdb")
    for path in discover(GRAPH_FILES):
        load_file(con, path)
    pairs = occ_pairs(sorted(graph_citations()), pubmed_links)
    archive = zipped(write_occ(folder / "open_citation_collection.csv", pairs))
    result = load_file(con, archive)
    assert (result.status, result.format, result.rejected) == ("loaded", "occ", 0)
    yield con, pairs, archive
    con.close()


def test_every_citation_view_counts_both_sources_once(occ_db, pubmed_links) -> None:
    con, pairs, _ = occ_db
    loaded = set(graph_citations())
    expected = expected_graph(pairs, pubmed_links, loaded)
    assert Counter(expected.values()).keys() == {"pubmed", "occ", "both"}
    graph = con.execute("select citing_pmid, cited_pmid, source from citation_graph").fetchall()
    assert len(graph) == len(expected)
    assert {(a, b): s for a, b, s in graph} == expected
    summary = con.execute(
        "select pmid, times_cited, times_cited_pubmed, times_cited_occ from citation_summary"
        " where times_cited > 0"
    ).fetchall()
    cited = Counter(b for _, b in expected)
    via_pubmed = Counter(b for (_, b), s in expected.items() if s != "occ")
    via_occ = Counter(b for (_, b), s in expected.items() if s != "pubmed")
    assert {p: (n, m, o) for p, n, m, o in summary} == {
        p: (n, via_pubmed[p], via_occ[p]) for p, n in cited.items()
    }
    refs = con.execute(
        "select pmid, references_in_warehouse from citation_summary"
        " where references_in_warehouse > 0"
    ).fetchall()
    assert dict(refs) == dict(Counter(a for a, _ in expected))
    by_year = Counter((b, facts.pub_year(graph_citations()[a])) for a, b in expected)
    rows = con.execute("select pmid, citing_pub_year, times_cited from citations_by_year")
    assert {(p, y): n for p, y, n in rows.fetchall()} == dict(by_year)


def test_links_reaching_outside_the_warehouse_are_kept_but_not_counted(occ_db) -> None:
    con, pairs, archive = occ_db
    distinct = {(a, b) for a, b in pairs if a != b}
    assert con.execute("select count(*) from occ_links").fetchone()[0] == len(distinct)
    outside = con.execute(
        "select count(*) from occ_links where citing_pmid >= ? or cited_pmid >= ?",
        [ABSENT, ABSENT],
    ).fetchone()[0]
    assert outside == sum(1 for a, b in distinct if a >= ABSENT or b >= ABSENT) > 0
    edges = con.execute(
        "select count(*) filter (where pmid >= ?), count(*) filter (where cited_pmid >= ?)"
        " from agg_article_citations where source = 'occ'",
        [ABSENT, ABSENT],
    ).fetchone()
    assert edges == (0, sum(1 for a, b in distinct if b >= ABSENT))  # citing must be loaded
    assert con.execute("select count(*) from citation_graph where cited_pmid >= ?", [ABSENT])
    ledger = con.execute(
        "select format, records, inserted, replaced, deleted from ingested_files"
        " where source_file = ?",
        [str(archive)],
    ).fetchall()
    assert ledger == [("occ", len(distinct), 0, 0, 0)]
    assert con.execute("select source_file, pairs from occ_snapshot").fetchall() == [
        (str(archive), len(distinct))
    ]
    assert [c.name for c in run_checks(con) if c.violations] == []


def test_a_newer_snapshot_replaces_the_older_in_one_step(db_path: Path, tmp_path: Path) -> None:
    con = connect(db_path)
    try:
        load_file(con, TEST_DATA / "retraction/retraction_pair.xml")
        loaded = sorted(p for (p,) in con.execute("select pmid from articles").fetchall())
        older = [(loaded[2], loaded[0]), (loaded[3], loaded[0]), (loaded[3], loaded[1])]
        newer = [(loaded[3], loaded[0]), (loaded[4], loaded[1])]
        assert load_file(con, zipped(write_occ(tmp_path / "older.csv", older))).status == "loaded"
        (tmp_path / "open_citation_collection.zip").rename(tmp_path / "older.zip")
        second = load_file(con, write_occ(tmp_path / "newer.csv", newer))
        assert (second.format, second.records) == ("occ", 2)
        links = "select citing_pmid, cited_pmid from occ_links order by all"
        assert con.execute(links).fetchall() == sorted(newer)
        assert load_file(con, tmp_path / "newer.csv").status == "already-loaded"
        bad = write_occ(tmp_path / "bad.csv", [(loaded[0], loaded[1])])
        bad.write_text(bad.read_text() + "12,PMC77\n")
        rejected = load_file(con, bad)
        assert (rejected.status, rejected.format) == ("rejected", "occ")
        assert con.execute(links).fetchall() == sorted(newer)  # the loaded snapshot stays
        snapshot = con.execute("select source_file from occ_snapshot").fetchall()
        assert snapshot == [(str(tmp_path / "newer.csv"),)]
        formats = "select format, status from ingested_files where format = 'occ' order by all"
        assert con.execute(formats).fetchall() == [("occ", "loaded")] * 2 + [("occ", "rejected")]
    finally:
        con.close()


def test_an_article_loaded_later_brings_its_links(db_path: Path, tmp_path: Path) -> None:
    con = connect(db_path)
    try:
        load_file(con, TEST_DATA / "retraction/retraction_pair.xml")
        (first,) = con.execute("select min(pmid) from articles").fetchone()
        load_file(con, write_occ(tmp_path / "occ.csv", [(30034368, first), (first, 30034368)]))
        graph = "select citing_pmid, cited_pmid from citation_graph where source = 'occ'"
        assert con.execute(graph).fetchall() == []
        load_file(con, LATER)
        assert sorted(con.execute(graph).fetchall()) == sorted(
            [(first, 30034368), (30034368, first)]
        )
        cited = "select times_cited_occ from citation_summary where pmid = ?"
        assert con.execute(cited, [30034368]).fetchone() == (1,)
    finally:
        con.close()


def test_the_readers_copy_is_rebuilt_once_per_snapshot(db_path: Path, tmp_path: Path) -> None:
    con = connect(db_path)
    target = tmp_path / "readers.duckdb"
    try:
        load_file(con, TEST_DATA / "retraction/retraction_pair.xml")
        publish_readers_copy(con, target)
        publish_readers_copy(con, target)
        load_file(con, write_occ(tmp_path / "occ.csv", [(99000003, 99000001)]))
        first = publish_readers_copy(con, target)
        second = publish_readers_copy(con, target)
        load_file(con, TEST_DATA / "retraction/pubmed26n9001.xml")
        third = publish_readers_copy(con, target)
        assert (first.method, second.method) == ("rebuilt", "rebuilt")  # each colour, once
        assert third.method == "caught-up"
        assert "occ_links" not in third.replayed.whole_tables
    finally:
        con.close()
    reader = duckdb.connect(str(target), read_only=True)
    try:
        assert reader.execute("select * from occ_links").fetchall() == [(99000003, 99000001)]
        graph = (
            "select citing_pmid, cited_pmid, source from citation_graph where source <> 'pubmed'"
        )
        assert reader.execute(graph).fetchall() == [(99000003, 99000001, "occ")]
    finally:
        reader.close()


def test_load_command_reads_the_zip_and_says_what_it_loaded(tmp_path: Path) -> None:
    archive = zipped(write_occ(tmp_path / "pairs.csv", [(1, 2), (2, 3), (3, 3)]))
    db = tmp_path / "w.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    command = [CLI, "load", str(archive), "--db", str(db)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    reader = duckdb.connect(str(db), read_only=True)
    try:
        pairs = reader.execute("select * from occ_links order by all").fetchall()
        ledger = reader.execute("select format, records from ingested_files").fetchall()
    finally:
        reader.close()
    assert (pairs, ledger) == ([(1, 2), (2, 3)], [("occ", 2)])
    assert not list(tmp_path.glob(".occ-*"))  # the zip's member was copied out, then deleted
