"""Loading across formats: surrogate PMIDs merge into real ones, UIs filled from other rows,
and the poorest formats (CSV, Summary saves) never replace a richer one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.pubmed_saves import csv_save, medline_records, summary_save
from warehouse.loading.load import load_file

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


@pytest.fixture
def saves_of_the_pair(tmp_path: Path) -> dict[str, Path]:
    """The CSV and Summary saves PubMed gives for the pair's record."""
    records = medline_records([PAIR / "22202258.nbib"])
    paths = {"csv": tmp_path / "saved.csv", "summary-text": tmp_path / "saved.txt"}
    paths["csv"].write_bytes(csv_save(records))
    paths["summary-text"].write_bytes(summary_save(records))
    return paths


def _action(con) -> tuple:
    return con.execute(
        "select pmid, action from changes order by changed_at desc limit 1"
    ).fetchone()


@pytest.mark.parametrize("richer", ["xml", "medline", "csv"])
def test_saves_never_replace_a_richer_format(fresh_db, saves_of_the_pair, richer: str) -> None:
    richer_file = {
        "xml": PAIR / "22202258.xml",
        "medline": PAIR / "22202258.nbib",
        "csv": saves_of_the_pair["csv"],
    }[richer]
    load_file(fresh_db, richer_file)
    for fmt in ("csv", "summary-text"):
        if fmt != richer:
            load_file(fresh_db, saves_of_the_pair[fmt])
            assert _action(fresh_db) == (22202258, "skipped-poorer")
    assert fresh_db.execute("select source_format from articles").fetchall() == [(richer,)]


def test_a_richer_format_replaces_a_save(fresh_db, saves_of_the_pair) -> None:
    load_file(fresh_db, saves_of_the_pair["summary-text"])
    assert load_file(fresh_db, saves_of_the_pair["csv"]).replaced == 1
    assert load_file(fresh_db, PAIR / "22202258.xml").replaced == 1
    assert count(fresh_db, "select count(*) from terms where pmid = 22202258") > 0
    assert fresh_db.execute("select source_format from articles").fetchall() == [("xml",)]
