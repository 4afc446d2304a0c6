"""On a file system with reflinks the readers' copy is a clone of the warehouse: nothing is
replayed, the copy takes only the blocks the warehouse rewrote since, DuckDB 1.x clients open
it, and a reader holding an older copy keeps it. Elsewhere the copy is written apart."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.test_readers_copy import DUCKDB_1X, PAIRS, UPDATE_FILE, assert_copy_equals_warehouse
from tests.test_snapshot import process_holding
from warehouse.db import connect
from warehouse.loading.load import load_file
from warehouse.readers.catchup import storage_version_of
from warehouse.readers.snapshot import publish_readers_copy
from warehouse.storage import READERS_STORAGE_VERSION, can_clone, clone_file

MIB = 2**20


@pytest.fixture
def reflink_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder on a fresh XFS file system (reflinks on) in a loop-mounted image file."""
    if os.geteuid() != 0 or not shutil.which("mkfs.xfs") or not shutil.which("mount"):
        pytest.skip("needs root and mkfs.xfs (Debian xfsprogs) to mount an XFS image with reflinks")
    image, folder = tmp_path / "xfs.img", tmp_path / "xfs"
    folder.mkdir()
    with image.open("wb") as sparse:
        sparse.truncate(512 * MIB)
    subprocess.run(["mkfs.xfs", "-q", "-m", "reflink=1", str(image)], check=True)
    mounted = subprocess.run(
        ["mount", "-o", "loop", str(image), str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a loop device here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def used_bytes(folder: Path) -> int:
    """Bytes in use on the file system holding FOLDER (shared blocks counted once)."""
    stat = os.statvfs(folder)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize


def storage_version(path: Path) -> str:
    reader = duckdb.connect(str(path), read_only=True)
    try:
        return reader.execute(
            "select tags['storage_version'] from duckdb_databases() "
            "where database_name = current_database()"
        ).fetchone()[0]
    finally:
        reader.close()


def test_a_clone_shares_its_blocks(reflink_folder: Path) -> None:
    source = reflink_folder / "source"
    source.write_bytes(os.urandom(8 * MIB))
    before = used_bytes(reflink_folder)
    assert can_clone(reflink_folder)
    assert clone_file(source, reflink_folder / "clone")
    assert (reflink_folder / "clone").read_bytes() == source.read_bytes()
    assert used_bytes(reflink_folder) - before < MIB


def test_without_reflinks_nothing_is_cloned(tmp_path: Path) -> None:
    if can_clone(tmp_path):
        pytest.skip(f"{tmp_path} is on a file system with reflinks")
    source = tmp_path / "source"
    source.write_bytes(b"x" * 4096)
    assert not clone_file(source, tmp_path / "clone")
    assert not (tmp_path / "clone").exists()
    connect(tmp_path / "w.duckdb").close()
    assert storage_version(tmp_path / "w.duckdb") != f"{READERS_STORAGE_VERSION}+"


def test_the_readers_copy_is_a_clone_that_costs_only_what_changed(reflink_folder: Path) -> None:
    db, copy = reflink_folder / "w.duckdb", reflink_folder / "w.snapshot.duckdb"
    con = connect(db)
    assert storage_version_of(con, "w") == f"{READERS_STORAGE_VERSION}+"  # created for clones
    for pair in PAIRS:
        load_file(con, pair / f"{pair.name}.xml")
    con.execute("checkpoint")
    warehouse_bytes = db.stat().st_size
    before = used_bytes(reflink_folder)
    published = publish_readers_copy(con, copy)
    assert published.method == "cloned"
    assert published.replayed.pmids == 0
    assert_copy_equals_warehouse(con, copy)
    assert used_bytes(reflink_folder) - before < warehouse_bytes / 10

    # a reader in another process keeps the copy it opened while the next file loads and
    # publishes, twice (the second clone replaces the very file it holds open)
    with process_holding(copy, "read") as reader:
        articles = reader.stdout.readline().strip()
        load_file(con, UPDATE_FILE)
        for _ in range(2):
            assert publish_readers_copy(con, copy).method == "cloned"
            assert_copy_equals_warehouse(con, copy)
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == articles
    assert con.execute("select count(*) from articles").fetchone()[0] > int(articles)
    expected = con.execute("select count(*) from article_summary").fetchone()[0]
    con.close()
    if not DUCKDB_1X.exists():
        return
    shown = subprocess.run(
        [DUCKDB_1X, "-readonly", "-csv", str(copy), "-c", "select count(*) from article_summary"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split()[-1] == str(expected)
