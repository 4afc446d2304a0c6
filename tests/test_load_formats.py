"""Loading across formats: surrogate PMIDs merge into real ones, UIs filled from other rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from warehouse.load import load_file

EFETCH_TEXT = CORPUS / "abstract-text/edirectcheminfo/17630804_abstract.txt"
EFETCH_XML = CORPUS / "xml/edirectcheminfo/17630804_efetch.xml"
PAIR = CORPUS / "pairs/22202258"
OTHER_XML = CORPUS / "pairs/29742719/29742719.xml"


def count(con, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


@pytest.fixture
def text_without_pmid(tmp_path: Path) -> Path:
    """The real efetch abstract of 17630804 with its PMID line cut, as some saves come."""
    path = tmp_path / "saved_without_pmid.txt"
    path.write_text(re.sub(r"\nPMID: .*\n?", "\n", EFETCH_TEXT.read_text()))
    return path


def test_surrogate_is_merged_when_the_real_pmid_arrives(fresh_db, text_without_pmid) -> None:
    load_file(fresh_db, text_without_pmid)
    surrogate = fresh_db.execute("select pmid from articles").fetchone()[0]
    assert surrogate < 0
    result = load_file(fresh_db, EFETCH_XML)
    assert result.inserted == 1
    for table in ("articles", "authors", "affiliations", "article_ids"):
        assert count(fresh_db, f"select count(*) from {table} where pmid < 0") == 0, table
    assert fresh_db.execute("select pmid, source_format from articles").fetchall() == [
        (17630804, "xml")
    ]
    action = f"select action from changes where pmid = {surrogate} order by changed_at"
    assert [r[0] for r in fresh_db.execute(action).fetchall()] == ["insert", "delete"]


def test_surrogate_maps_onto_a_real_article_already_loaded(fresh_db, text_without_pmid) -> None:
    load_file(fresh_db, EFETCH_XML)
    result = load_file(fresh_db, text_without_pmid)
    assert (result.inserted, result.skipped) == (0, 1)
    assert count(fresh_db, "select count(*) from articles where pmid < 0") == 0
    last = "select pmid, action from changes order by changed_at desc limit 1"
    assert fresh_db.execute(last).fetchone() == (17630804, "skipped-poorer")


def test_richer_format_replaces_and_poorer_is_skipped(fresh_db) -> None:
    load_file(fresh_db, PAIR / "22202258.nbib")
    assert load_file(fresh_db, PAIR / "22202258.xml").replaced == 1
    assert load_file(fresh_db, PAIR / "22202258.nbib").status == "already-loaded"
    copy = fresh_db.execute("select source_format from articles").fetchone()
    assert copy == ("xml",)


def test_new_rows_without_ui_take_the_ui_of_the_same_name(fresh_db) -> None:
    load_file(fresh_db, OTHER_XML)
    load_file(fresh_db, PAIR / "22202258.nbib")
    shared = """
        select count(*) from terms as m
        where m.pmid = 22202258
          and m.descriptor_name in (select descriptor_name from terms where pmid = 29742719)
    """
    filled = shared + " and m.descriptor_ui is not null"
    assert count(fresh_db, shared) > 0
    assert count(fresh_db, filled) == count(fresh_db, shared)
    wrong = """
        select count(*) from terms as m inner join terms as x
            on x.pmid = 29742719 and x.descriptor_name = m.descriptor_name
        where m.pmid = 22202258 and m.descriptor_ui <> x.descriptor_ui
    """
    assert count(fresh_db, wrong) == 0
    unknown = """
        select count(*) from terms where pmid = 22202258 and descriptor_ui is null
          and descriptor_name not in (select descriptor_name from terms where pmid = 29742719)
    """
    assert count(fresh_db, unknown) > 0  # names no other row carries stay without a UI


def test_older_rows_without_ui_take_the_ui_a_richer_record_brings(fresh_db) -> None:
    load_file(fresh_db, PAIR / "22202258.nbib")
    assert count(fresh_db, "select count(descriptor_ui) from terms") == 0
    load_file(fresh_db, OTHER_XML)
    humans = "select descriptor_ui from terms where pmid = 22202258 and descriptor_name = 'Humans'"
    assert fresh_db.execute(humans).fetchall() == [("D006801",)]
    types = (
        "select type_ui from publication_types where pmid = 22202258 and name = 'Journal Article'"
    )
    assert fresh_db.execute(types).fetchall() == [("D016428",)]
