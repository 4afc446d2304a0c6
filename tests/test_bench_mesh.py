"""The bench's MeSH vocabulary loads through the product and places every scale descriptor; the
scale files' citations and retractions stay inside the warehouse, in copies too."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench.growth_copies import PmidMap, first_pmid, write_copy
from bench.growth_reader import measure
from bench.scale_data import write_scale_file
from bench.scale_mesh import common_action, populated_node, write_mesh
from warehouse.db import connect
from warehouse.loading.load import apply_staged
from warehouse.loading.parallel import load_files
from warehouse.loading.staging import stage_file

RECORDS = 300


@pytest.fixture(scope="module")
def scale_xml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "pubmed26n0001.xml.gz"
    write_scale_file(path, 1, RECORDS)
    return path


@pytest.fixture(scope="module")
def mesh_db(scale_xml: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding one small scale file and the bench's MeSH vocabulary."""
    folder = tmp_path_factory.mktemp("mesh")
    db = folder / "warehouse.duckdb"
    con = connect(db)
    results = load_files(con, [*write_mesh(folder), scale_xml])
    con.close()
    assert [r.status for r in results] == ["loaded"] * 3
    return db


def one(db: Path, sql: str, params: list | None = None) -> tuple:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchone()


def test_vocabulary_loads_as_descriptors_and_supplementary(mesh_db: Path) -> None:
    kinds = one(mesh_db, "select string_agg(kind, ',' order by kind) from mesh_vocabularies")
    assert kinds == ("descriptors,supplementary",)
    descriptors, places, deepest = one(
        mesh_db,
        "select count(distinct descriptor_ui), count(*), max(depth) from mesh_tree_numbers",
    )
    assert descriptors > 9_000 and places > 1.2 * descriptors and deepest >= 8
    assert one(mesh_db, "select count(*) from mesh_descriptors") == (descriptors,)


def test_every_parent_exists(mesh_db: Path) -> None:
    orphans = one(
        mesh_db,
        "select count(*) from mesh_tree_numbers where parent_tree_number is not null "
        "and parent_tree_number not in (select tree_number from mesh_tree_numbers)",
    )
    assert orphans == (0,)


def test_corpus_places_are_kept(mesh_db: Path) -> None:
    # Humans (D006801) is placed at B01.050.150.900.649.801.400.112.400.400 in the corpus.
    found = one(mesh_db, "select list(tree_number) from mesh_tree_numbers where descriptor_ui = ?",
                ["D006801"])  # fmt: skip
    assert "B01.050.150.900.649.801.400.112.400.400" in found[0]


def test_every_scale_descriptor_and_substance_is_in_the_vocabulary(mesh_db: Path) -> None:
    missing = one(
        mesh_db,
        "select count(distinct descriptor_ui) from terms "
        "where descriptor_ui not in (select descriptor_ui from mesh_tree_numbers)",
    )
    assert missing == (0,)
    unmapped = one(
        mesh_db,
        "select count(*) from substances where substance_ui like 'C%' "
        "and substance_ui not in (select record_ui from mesh_headings_mapped_to)",
    )
    assert unmapped == (0,)


def test_rollups_answer_with_articles(mesh_db: Path) -> None:
    with duckdb.connect(str(mesh_db), read_only=True) as con:
        node = populated_node(
            con.sql("select pmid, descriptor_ui, descriptor_name from terms").pl().lazy()
        )
    articles = one(
        mesh_db, "select sum(article_count) from mesh_node_by_year where tree_number = ?", [node]
    )
    assert articles[0] > 0
    actions = one(mesh_db, "select count(*) from mesh_pharmacological_action_by_year")
    assert actions[0] > 0


def test_citations_and_retractions_stay_inside(mesh_db: Path) -> None:
    links, outside = one(
        mesh_db,
        "select count(*), count(*) filter (where ref_pmid not in (select pmid from articles)) "
        'from "references" where ref_pmid is not null',
    )
    assert links > 0 and outside == 0
    assert one(mesh_db, "select count(*) > 0 from citation_graph") == (True,)
    retracted = one(
        mesh_db,
        "select count(*), bool_and(has_retracted_type and has_retraction_link), "
        "bool_and(retraction_year >= pub_year) from retracted_articles",
    )
    assert retracted == (1, True, True)


def test_reader_times_every_mesh_query(mesh_db: Path) -> None:
    with duckdb.connect(str(mesh_db), read_only=True) as con:
        node = populated_node(
            con.sql("select pmid, descriptor_ui, descriptor_name from terms").pl().lazy()
        )
    found = measure(
        str(mesh_db), "Radiography", 60.0, {"tree_number": node, "action_ui": common_action()}
    )
    assert len(found["mesh_seconds"]) == 15
    assert all(s < float("inf") for s in found["mesh_seconds"].values())
    assert found["rows"][f"mesh_subtree_by_year ({node})"] > 0


def test_copies_keep_the_citation_graph(scale_xml: Path, tmp_path: Path) -> None:
    staged = stage_file(scale_xml, tmp_path / "base")
    first, records = first_pmid(staged)
    copy = write_copy([staged], [PmidMap(first, 1, 1)], tmp_path / "copy", 7, rehash=False)
    con = connect(tmp_path / "copy.duckdb")
    assert apply_staged(con, copy).status == "loaded"
    outside = con.execute(
        'select count(*) from "references" where ref_pmid not between 1 and ?', [records]
    ).fetchone()
    graph = con.execute("select count(*) from citation_graph").fetchone()
    con.close()
    assert outside == (0,)
    assert graph[0] > 0
