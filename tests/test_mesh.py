"""The MeSH vocabulary: NLM's descriptor, qualifier and supplementary files loaded and replaced."""

from __future__ import annotations

import gzip
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.conftest import CORPUS
from warehouse.cli import app
from warehouse.formats.registry import detect_format
from warehouse.inputs import read_head
from warehouse.loading.load import load_file
from warehouse.readers.checks import run_checks

MESH = CORPUS / "mesh"
DESC_2016 = MESH / "meshrdf" / "desc-samples.xml"
DESC_2020 = MESH / "tipplerow" / "mesh_desc_sample.xml"
DESC_2025 = MESH / "wellcome" / "raw_descriptors.xml"
QUAL_2014 = MESH / "meshrdf" / "qual2014.xml"
SUPP_2016 = MESH / "meshrdf" / "supp-samples.xml"


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def etree_descriptors(path: Path) -> dict[str, dict]:
    """Descriptors of a MeSH file read with the standard library (the independent count)."""
    found = {}
    for record in ET.parse(path).getroot().iter("DescriptorRecord"):
        terms = [t.findtext("TermUI") for t in record.iter("Term")]
        found[record.findtext("DescriptorUI")] = {
            "name": record.findtext("DescriptorName/String"),
            "trees": sorted(t.text for t in record.iterfind("TreeNumberList/TreeNumber")),
            "terms": len(terms),
            "qualifiers": len(record.findall("AllowableQualifiersList/AllowableQualifier")),
            "actions": len(record.findall("PharmacologicalActionList/PharmacologicalAction")),
        }
    return found


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        (DESC_2016, "mesh-descriptors"),
        (DESC_2025, "mesh-descriptors"),
        (QUAL_2014, "mesh-qualifiers"),
        (SUPP_2016, "mesh-supplementary"),
        (MESH / "drugref" / "mesh_ci_supp_subset.xml", "mesh-supplementary"),
    ],
)
def test_mesh_files_are_detected_from_content(path: Path, fmt: str) -> None:
    assert detect_format(read_head(path)) == fmt


def test_descriptors_load_with_trees_terms_qualifiers_and_actions(fresh_db) -> None:
    result = load_file(fresh_db, DESC_2016)
    expected = etree_descriptors(DESC_2016)
    assert (result.status, result.records) == ("loaded", 43)
    names = dict(rows(fresh_db, "select descriptor_ui, name from mesh_descriptors"))
    assert names == {ui: d["name"] for ui, d in expected.items()}
    trees = rows(
        fresh_db,
        "select descriptor_ui, list(tree_number order by tree_number) from mesh_tree_numbers "
        "group by all",
    )
    assert {ui: t for ui, t in trees} == {
        ui: d["trees"] for ui, d in expected.items() if d["trees"]
    }
    for table, key in (
        ("mesh_entry_terms", "terms"),
        ("mesh_allowable_qualifiers", "qualifiers"),
        ("mesh_pharmacological_actions", "actions"),
    ):
        [(count,)] = rows(fresh_db, f"select count(*) from {table}")
        assert count == sum(d[key] for d in expected.values()), table
    assert rows(
        fresh_db,
        "select parent_tree_number, depth from mesh_tree_numbers where tree_number = ?",
        ["A09.371.613"],
    ) == [("A09.371", 3)]
    assert rows(
        fresh_db, "select descriptor_ui from mesh_tree_numbers where tree_number = 'A09.371'"
    ) == [("D005123",)]
    established = rows(
        fresh_db,
        "select descriptor_ui, year(date_established) from mesh_descriptors "
        "where date_established is not null",
    )
    assert dict(established) == {
        r.findtext("DescriptorUI"): int(r.findtext("DateEstablished/Year"))
        for r in ET.parse(DESC_2016).getroot().iter("DescriptorRecord")
        if r.find("DateEstablished") is not None
    }
    assert rows(fresh_db, "select distinct mesh_year from mesh_descriptors") == [(2016,)]


def test_supplementary_records_map_to_headings_with_major_marks(fresh_db) -> None:
    assert load_file(fresh_db, SUPP_2016).records == 19
    mapped = rows(
        fresh_db,
        "select descriptor_ui, qualifier_ui, is_major from mesh_headings_mapped_to "
        "where record_ui = 'C025735' order by position",
    )
    assert mapped == [
        ("D001286", None, True),
        ("D002164", "Q000031", True),
        ("D004338", None, False),
        ("D012602", None, True),
    ]
    root = ET.parse(SUPP_2016).getroot()
    [(count,)] = rows(fresh_db, "select count(*) from mesh_headings_mapped_to")
    assert count == len(root.findall(".//HeadingMappedTo")) == 40


def test_the_whole_2014_qualifier_file(fresh_db) -> None:
    assert load_file(fresh_db, QUAL_2014).records == 83
    assert rows(
        fresh_db,
        "select name, tree_numbers, mesh_year from mesh_qualifiers where qualifier_ui = ?",
        ["Q000002"],
    ) == [("abnormalities", ["Y02.030.010"], 2014)]


def gzipped(path: Path, folder: Path, name: str) -> Path:
    """A gzip copy of a corpus file (other bytes, same content)."""
    packed = folder / name
    with path.open("rb") as raw, gzip.open(packed, "wb") as out:
        shutil.copyfileobj(raw, out)
    return packed


def test_a_later_year_replaces_the_kind_and_an_older_one_is_refused(
    fresh_db, tmp_path: Path
) -> None:
    load_file(fresh_db, DESC_2016)
    load_file(fresh_db, SUPP_2016)
    assert load_file(fresh_db, DESC_2020).status == "loaded"
    assert rows(fresh_db, "select count(*) from mesh_descriptors") == [(5,)]
    assert rows(fresh_db, "select distinct mesh_year from mesh_descriptors") == [(2020,)]
    assert rows(
        fresh_db,
        "select record_kind, count(*) from mesh_pharmacological_actions group by all order by 1",
    ) == [("descriptors", 4), ("supplementary", 11)]
    older = load_file(fresh_db, gzipped(DESC_2016, tmp_path, "desc2016.xml.gz"))
    assert older.status == "rejected" and "older than the loaded" in older.message
    assert rows(fresh_db, "select count(*), min(mesh_year) from mesh_descriptors") == [(5, 2020)]
    assert rows(fresh_db, "select kind, mesh_year from mesh_vocabularies order by kind") == [
        ("descriptors", 2020),
        ("supplementary", 2016),
    ]
    assert all(check.passed for check in run_checks(fresh_db))


def test_same_bytes_twice_change_nothing(fresh_db) -> None:
    load_file(fresh_db, DESC_2016)
    before = rows(fresh_db, "select * from mesh_descriptors order by descriptor_ui")
    again = load_file(fresh_db, DESC_2016)
    assert again.status == "already-loaded"
    assert rows(fresh_db, "select * from mesh_descriptors order by descriptor_ui") == before
    assert rows(fresh_db, "select count(*) from ingested_files") == [(1,)]


def test_a_file_cut_short_changes_nothing(fresh_db, tmp_path: Path) -> None:
    load_file(fresh_db, DESC_2016)
    cut = tmp_path / "desc2026.xml"
    cut.write_bytes(DESC_2025.read_bytes()[:20_000])
    result = load_file(fresh_db, cut)
    assert result.status == "rejected" and "MeSH XML" in result.message
    assert rows(fresh_db, "select count(*), min(mesh_year) from mesh_descriptors") == [(43, 2016)]


def test_cli_loads_a_gzipped_descriptor_file(tmp_path: Path, prefect_harness) -> None:
    packed = gzipped(DESC_2025, tmp_path, "desc2025.xml.gz")
    db = tmp_path / "mesh.duckdb"
    result = CliRunner().invoke(app, ["load", "--db", str(db), str(packed)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert rows(con, "select kind, mesh_year, records from mesh_vocabularies") == [
            ("descriptors", 2025, 7)
        ]
        assert rows(con, "select format, status from ingested_files") == [
            ("mesh-descriptors", "loaded")
        ]
    finally:
        con.close()


def test_parse_processes_hand_mesh_files_to_the_writer(fresh_db) -> None:
    from warehouse.loading.parallel import load_files

    results = load_files(fresh_db, [DESC_2016, SUPP_2016], workers=2)
    assert [(r.status, r.format, r.records) for r in results] == [
        ("loaded", "mesh-descriptors", 43),
        ("loaded", "mesh-supplementary", 19),
    ]
    assert rows(fresh_db, "select count(*) from mesh_descriptors") == [(43,)]


@pytest.mark.parametrize(
    ("good", "bad", "reason"),
    [
        ("<Month>06</Month>", "<Month>June</Month>", "is not a Year/Month/Day date"),
        ("<Day>25</Day>", "<Day>31</Day>", "not a calendar date"),
    ],
)
def test_a_bad_date_rejects_the_file_and_keeps_the_vocabulary(
    fresh_db, tmp_path: Path, good: str, bad: str, reason: str
) -> None:
    load_file(fresh_db, DESC_2016)
    text = (MESH / "drugref" / "mesh_ci_desc_subset.xml").read_text(encoding="utf-8")
    assert good in text
    broken = tmp_path / "desc2026.xml"
    broken.write_text(text.replace(good, bad, 1), encoding="utf-8")
    result = load_file(fresh_db, broken)
    assert result.status == "rejected" and reason in result.message
    assert rows(fresh_db, "select count(*), min(mesh_year) from mesh_descriptors") == [(43, 2016)]


def test_a_doctype_entity_is_refused_not_dropped(fresh_db, tmp_path: Path) -> None:
    text = DESC_2025.read_text(encoding="utf-8")
    hostile = tmp_path / "desc2025.xml"
    hostile.write_text(
        text.replace(
            'nlmdescriptorrecordset_20250101.dtd">',
            'nlmdescriptorrecordset_20250101.dtd" [<!ENTITY name "Calcimycin">]>',
        ).replace("<String>Calcimycin</String>", "<String>&name;</String>", 1),
        encoding="utf-8",
    )
    result = load_file(fresh_db, hostile)
    assert result.status == "rejected" and "uses the entity &name;" in result.message
    assert rows(fresh_db, "select count(*) from mesh_descriptors") == [(0,)]
