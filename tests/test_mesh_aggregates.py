"""The MeSH roll-up aggregates kept per file equal the roll-ups computed from scratch from the
base tables, through every way a file can change what they read: records inserted before and
after the vocabulary, UIs filled into older records' names, replacements, deletions, a new
vocabulary year and a rebuild."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
from lxml import etree

from tests.conftest import CORPUS
from tests.test_aggregates import update_file
from warehouse.db import connect
from warehouse.inputs import discover
from warehouse.loading import aggregates
from warehouse.loading.load import load_file

MESH = CORPUS / "mesh" / "meshrdf"
DESC, SUPP = MESH / "desc-samples.xml", MESH / "supp-samples.xml"
HUMANS = "D006801"

HEADINGS = """
    with named as (
        select pmid, descriptor_name, min(descriptor_ui) as descriptor_ui,
            bool_or(descriptor_major or coalesce(qualifier_major, false)) as is_major
        from terms group by pmid, descriptor_name
    ),
    records as (
        select pmid, concept_ui as record_ui from supplementary_concepts where concept_ui like 'C%'
        union
        select pmid, substance_ui from substances where substance_ui like 'C%'
    ),
    both_kinds as (
        select pmid, descriptor_ui, is_major, false as mapped from named
        where descriptor_ui is not null
        union all
        select pmid, m.descriptor_ui, false, true
        from records join mesh_headings_mapped_to as m using (record_ui)
    )
    select pmid, descriptor_ui, bool_or(is_major) as is_major, bool_and(mapped) as mapped
    from both_kinds group by all
"""

CLOSURE = """
    with prefixes as (
        select descriptor_ui, unnest(list_transform(
            range(1, len(string_split(tree_number, '.')) + 1),
            lambda i: array_to_string(string_split(tree_number, '.')[1:i], '.')
        )) as node
        from mesh_tree_numbers
    )
    select prefixes.descriptor_ui, prefixes.node, a.descriptor_ui as node_ui
    from prefixes left join mesh_tree_numbers as a on a.tree_number = prefixes.node
"""

FROM_SCRATCH = {
    "mesh_node_by_year": f"""
        select c.node, a.pub_year, count(distinct h.pmid),
            count(distinct h.pmid) filter (where h.is_major)
        from ({HEADINGS}) as h join ({CLOSURE}) as c using (descriptor_ui)
        join articles as a using (pmid)
        group by all
    """,
    "mesh_descriptor_rollup_by_year": f"""
        select c.node_ui, a.pub_year, count(distinct h.pmid),
            count(distinct h.pmid) filter (where h.is_major)
        from ({HEADINGS}) as h
        join (
            select descriptor_ui, node_ui from ({CLOSURE}) where node_ui is not null
            union select descriptor_ui, descriptor_ui from mesh_descriptors
        ) as c using (descriptor_ui)
        join articles as a using (pmid)
        group by all
    """,
    "mesh_pharmacological_action_by_year": f"""
        with records as (
            select pmid, descriptor_ui as record_ui, is_major from ({HEADINGS}) where not mapped
            union all select pmid, substance_ui, false from substances
            union all select pmid, concept_ui, false from supplementary_concepts
        ),
        actions as (
            select p.record_ui, c.node_ui as action_ui
            from mesh_pharmacological_actions as p
            join ({CLOSURE}) as c on c.descriptor_ui = p.action_ui
            where c.node_ui is not null
            union select record_ui, action_ui from mesh_pharmacological_actions
        )
        select actions.action_ui, a.pub_year, count(distinct r.pmid),
            count(distinct r.pmid) filter (where r.is_major)
        from records as r join actions using (record_ui) join articles as a using (pmid)
        group by all
    """,
}
KEYS = {
    "mesh_node_by_year": "tree_number",
    "mesh_descriptor_rollup_by_year": "descriptor_ui",
    "mesh_pharmacological_action_by_year": "action_ui",
}


def kept(con: duckdb.DuckDBPyConnection, view: str) -> list[tuple]:
    return con.execute(
        f"select {KEYS[view]}, pub_year, article_count, major_article_count from {view} "
        "order by all"
    ).fetchall()


def assert_rollups_match_base_tables(
    con: duckdb.DuckDBPyConnection, populated: bool = True
) -> None:
    headings = con.execute(f"select * from ({HEADINGS}) order by all").fetchall()
    assert con.execute("select * from article_mesh_headings order by all").fetchall() == headings
    for view, sql in FROM_SCRATCH.items():
        expected = con.execute(f"select * from ({sql}) order by all").fetchall()
        assert kept(con, view) == expected, view
        assert bool(expected) == populated, view


def retreed(folder: Path) -> Path:
    """The descriptor sample as a later MeSH year in which Humans has left the tree."""
    root = etree.parse(str(DESC)).getroot()
    [humans] = [r for r in root.iter("DescriptorRecord") if r.findtext("DescriptorUI") == HUMANS]
    humans.remove(humans.find("TreeNumberList"))
    path = folder / "desc2099.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return path


def test_the_rollups_follow_every_way_a_file_changes_what_they_read(tmp_path: Path) -> None:
    """One warehouse through the steps in order (each step reads the state the last left)."""
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        medline_records_before_the_vocabulary_then_xml_filling_their_uis(con)
        replacements_and_deletions(tmp_path, con)
        a_new_vocabulary_year_recomputes_them(tmp_path, con)
        rebuild_gives_what_the_files_kept(con)
    finally:
        con.close()


def medline_records_before_the_vocabulary_then_xml_filling_their_uis(con) -> None:
    for path in discover([CORPUS / "medline"]):
        load_file(con, path)
    for path in (DESC, SUPP):
        load_file(con, path)
    waiting = con.execute("select count(*) from pending_uis where kind = 'descriptor'").fetchone()[
        0
    ]
    assert waiting > 0
    assert_rollups_match_base_tables(con, populated=False)  # MEDLINE names carry no UIs
    for path in discover([CORPUS / "xml"]):
        load_file(con, path)
    filled = con.execute("select count(*) from pending_uis where kind = 'descriptor'").fetchone()[0]
    assert filled < waiting  # names of MEDLINE-only articles took the UIs XML records brought
    assert_rollups_match_base_tables(con)


def replacements_and_deletions(folder: Path, con) -> None:
    path, deleted = update_file(folder, "pubmed99n0001.xml")
    result = load_file(con, path)
    assert result.replaced > 150 and result.deleted == len(deleted)
    assert_rollups_match_base_tables(con)


def a_new_vocabulary_year_recomputes_them(folder: Path, con) -> None:
    humans_node = "select count(*) from mesh_node_by_year where descriptor_ui = ?"
    assert con.execute(humans_node, [HUMANS]).fetchone()[0] > 0
    assert load_file(con, retreed(folder)).status == "loaded"
    assert con.execute(humans_node, [HUMANS]).fetchone()[0] == 0
    assert_rollups_match_base_tables(con)


def rebuild_gives_what_the_files_kept(con) -> None:
    before = {view: kept(con, view) for view in FROM_SCRATCH}
    aggregates.rebuild(con, datetime(2030, 1, 1))
    assert {view: kept(con, view) for view in FROM_SCRATCH} == before
