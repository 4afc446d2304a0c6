"""`sync` of the MeSH vocabulary from a MeSH folder served over HTTP on loopback."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.mesh_sync import mesh_sync
from tests.conftest import CORPUS
from tests.nlm_mirror import Mirror, gzipped, serve_mirror
from warehouse.cli import app
from warehouse.config import Settings
from warehouse.sources.mesh_mirror import current_year_files

DESC_2025 = CORPUS / "mesh/wellcome/raw_descriptors.xml"  # DOCTYPE ..._20250101.dtd, 7 records
DESC_2020 = CORPUS / "mesh/tipplerow/mesh_desc_sample.xml"
SUPP = CORPUS / "mesh/drugref/mesh_ci_supp_subset.xml"  # no DOCTYPE: the name gives the year


@pytest.fixture
def mesh_folder(tmp_path: Path) -> Iterator[tuple[Mirror, Path]]:
    """A MeSH folder beside the PubMed mirror: desc2025.gz with .md5, supp2025.xml, desc2020."""
    with serve_mirror(tmp_path / "site") as served:
        folder = tmp_path / "site" / "mesh"
        folder.mkdir()
        data = gzipped(DESC_2025)
        (folder / "desc2025.gz").write_bytes(data)
        digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
        (folder / "desc2025.gz.md5").write_text(f"MD5(desc2025.gz)= {digest}\n")
        (folder / "supp2025.xml").write_bytes(SUPP.read_bytes())
        (folder / "desc2020.xml").write_bytes(DESC_2020.read_bytes())
        yield served, folder


def mesh_url(mirror: Mirror) -> str:
    return mirror.url.replace("/pubmed/", "/mesh/")


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_listing_gives_the_latest_year_gzip_first() -> None:
    html = "".join(
        f'<a href="{n}">{n}</a>\n'
        for n in ("desc2025.xml", "desc2025.gz", "desc2026.gz", "desc2026.xml", "qual2026.xml")
    )
    found = current_year_files(html, "http://127.0.0.1/mesh/")
    assert [(f.name, f.kind, f.year) for f in found] == [
        ("desc2026.gz", "descriptors", 2026),
        ("qual2026.xml", "qualifiers", 2026),
    ]


def test_sync_loads_the_current_year_once(mesh_folder, tmp_path: Path, prefect_harness) -> None:
    mirror, _ = mesh_folder
    db = tmp_path / "mesh.duckdb"
    settings = Settings(mesh_url=mesh_url(mirror), db=db, download_dir=tmp_path / "downloads")
    results = mesh_sync(settings)
    assert [(Path(r.source_file).name, r.status) for r in results] == [
        ("desc2025.gz", "loaded"),
        ("supp2025.xml", "loaded"),
    ]
    assert rows(db, "select kind, mesh_year, records from mesh_vocabularies order by 1") == [
        ("descriptors", 2025, 7),
        ("supplementary", 2025, 1),
    ]
    assert mesh_sync(settings) == []
    assert not list((tmp_path / "downloads").iterdir())


def test_a_download_that_fails_its_md5_loads_nothing(
    mesh_folder, tmp_path: Path, prefect_harness
) -> None:
    mirror, folder = mesh_folder
    (folder / "desc2025.gz.md5").write_text("MD5(desc2025.gz)= " + "0" * 32 + "\n")
    db = tmp_path / "mesh.duckdb"
    settings = Settings(
        mesh_url=mesh_url(mirror), db=db, download_dir=tmp_path / "d", retry_delays_seconds=(0,)
    )
    results = mesh_sync(settings)
    assert [r.status for r in results] == ["failed"]
    assert "MD5" in results[0].message
    assert rows(db, "select count(*) from mesh_vocabularies") == [(0,)]


def test_cli_sync_with_only_a_mesh_url(mesh_folder, tmp_path: Path, prefect_harness) -> None:
    mirror, _ = mesh_folder
    db = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(
        app,
        ["sync", "--mesh", mesh_url(mirror), "--db", str(db), "--download-dir", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert rows(db, "select count(*) from mesh_descriptors") == [(7,)]
    status = CliRunner().invoke(app, ["status", "--db", str(db)])
    assert "MeSH loaded: descriptors 2025, supplementary 2025" in status.output, status.output
