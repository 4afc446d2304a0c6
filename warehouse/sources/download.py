"""NLM mirror access: read the directory listings, download resumably, verify each `.md5`.

NLM serves `baseline/` and `updatefiles/` as Apache-style HTML listings linking
`pubmedYYnNNNN.xml.gz` files and their `pubmedYYnNNNN.xml.gz.md5` checksums
(`MD5(pubmed26n0001.xml.gz)= <hex>`). A download streams into `<name>.part`, resumes with an
HTTP Range request when a `.part` is already there, and is renamed into place only once its MD5
matches; a mismatching file is deleted and never reaches the warehouse.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import httpx

from warehouse.errors import ChecksumMismatch, DownloadFailed
from warehouse.inputs import file_order_key
from warehouse.sources.retries import unreachable

FOLDERS = {"baseline": "baseline/", "updates": "updatefiles/"}
NLM_LINK = re.compile(r'href="(?:[^"]*/)?(pubmed\d{2}n\d{4,5}\.xml\.gz)"', re.IGNORECASE)
MD5_LINE = re.compile(r"MD5\s*\(([^)]+)\)\s*=\s*([0-9a-fA-F]{32})")
CHUNK_BYTES = 1 << 20

ByteCallback = Callable[[str, int, int | None], None]
"""Download progress: called with (file name, bytes just written, file size when known)."""


@dataclass(frozen=True)
class MirrorFile:
    """One NLM file on the mirror: its name, URL, folder (baseline or updates) and order key."""

    name: str
    url: str
    folder: str
    file_order_key: str

    @property
    def md5_url(self) -> str:
        return self.url + ".md5"


def http_client(timeout_seconds: float = 60.0) -> httpx.Client:
    """An HTTP client with connect/read timeouts that follows redirects."""
    return httpx.Client(timeout=httpx.Timeout(timeout_seconds), follow_redirects=True)


def folder_url(mirror_url: str, folder: str) -> str:
    """URL of a mirror folder (`baseline` or `updates`), whatever the mirror URL's slash."""
    return urljoin(mirror_url.rstrip("/") + "/", FOLDERS[folder])


def parse_listing(html: str) -> list[str]:
    """NLM data file names linked from a directory listing, each once, in file order."""
    names = set(NLM_LINK.findall(html))
    return sorted(names, key=lambda name: file_order_key(Path(name)) or name)


def list_folder(client: httpx.Client, mirror_url: str, folder: str) -> list[MirrorFile]:
    """The data files a mirror folder lists, in `file_order_key` order."""
    url = folder_url(mirror_url, folder)
    html = _get(client, url).text
    return [
        MirrorFile(name, urljoin(url, name), folder, file_order_key(Path(name)) or name)
        for name in parse_listing(html)
    ]


def parse_md5(text: str, name: str) -> str:
    """The hex digest an NLM `.md5` file gives for `name` (also accepts `<hex>  <name>`)."""
    match = MD5_LINE.search(text)
    if match and match.group(1).strip() == name:
        return match.group(2).lower()
    parts = text.split()
    if parts and re.fullmatch(r"[0-9a-fA-F]{32}", parts[0]):
        return parts[0].lower()
    raise DownloadFailed(f"{name}.md5 does not hold an MD5 for {name}: {text[:120]!r}")


def fetch_md5(client: httpx.Client, remote: MirrorFile) -> str:
    """The expected MD5 of a mirror file, read from its `.md5` beside it."""
    return parse_md5(_get(client, remote.md5_url).text, remote.name)


def md5_of(path: Path) -> str:
    """MD5 of a file's bytes."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as raw:
        while chunk := raw.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def download(
    client: httpx.Client,
    remote: MirrorFile,
    directory: Path,
    *,
    on_bytes: ByteCallback | None = None,
) -> Path:
    """Download a mirror file into `directory`, verified against its `.md5`; returns its path.

    A verified file already in place is not fetched again; a `.part` left by an interrupted
    download is resumed with a Range request.
    """
    expected = fetch_md5(client, remote)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / remote.name
    if target.exists() and md5_of(target) == expected:
        return target
    part = directory / f"{remote.name}.part"
    _stream_to_part(client, remote.url, part, on_bytes)
    actual = md5_of(part)
    if actual != expected:
        part.unlink()
        raise ChecksumMismatch(
            f"{remote.name}: MD5 {actual} does not match the mirror's {expected}; discarded"
        )
    part.replace(target)
    return target


def download_sized(client: httpx.Client, name: str, url: str, directory: Path) -> Path:
    """Download a file that has no `.md5`: its size must equal the server's Content-Length."""
    directory.mkdir(parents=True, exist_ok=True)
    expected = _announced_size(client, url)
    target = directory / name
    if target.exists() and target.stat().st_size == expected:
        return target
    part = directory / f"{name}.part"
    _stream_to_part(client, url, part, None)
    actual = part.stat().st_size
    if actual != expected:
        part.unlink()
        raise ChecksumMismatch(
            f"{name}: {actual} bytes received, the server announced {expected}; discarded"
        )
    part.replace(target)
    return target


def _announced_size(client: httpx.Client, url: str) -> int:
    """The Content-Length a HEAD request announces; a file without one cannot be checked."""
    try:
        response = client.head(url)
    except httpx.HTTPError as exc:
        raise unreachable(url, exc) or DownloadFailed(f"{url}: {exc!r}") from exc
    _raise_for_status(response, url)
    size = response.headers.get("content-length", "")
    if not size.isdigit():
        raise DownloadFailed(f"{url}: no .md5 and no Content-Length to check the download by")
    return int(size)


def _stream_to_part(
    client: httpx.Client, url: str, part: Path, on_bytes: ByteCallback | None
) -> None:
    """Stream a URL into `part`, appending after the bytes already there when the server can."""
    offset = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 416:  # the .part already holds every byte
                return
            _raise_for_status(response, url)
            resumed = response.status_code == 206
            done = offset if resumed else 0
            total = _total_size(response, done)
            if on_bytes:
                on_bytes(part.name.removesuffix(".part"), done, total)
            with part.open("ab" if resumed else "wb") as sink:
                for chunk in response.iter_bytes(CHUNK_BYTES):
                    sink.write(chunk)
                    if on_bytes:
                        on_bytes(part.name.removesuffix(".part"), len(chunk), total)
    except httpx.HTTPError as exc:
        failure = DownloadFailed(f"{url}: download interrupted ({exc!r}); it resumes")
        raise unreachable(url, exc) or failure from exc


def _total_size(response: httpx.Response, already: int) -> int | None:
    """Whole file size: bytes already on disk plus what this response carries, if it says."""
    size = response.headers.get("content-length", "")
    return already + int(size) if size.isdigit() else None


def _get(client: httpx.Client, url: str) -> httpx.Response:
    """GET a small resource (listing, checksum), turning HTTP failures into DownloadFailed."""
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise unreachable(url, exc) or DownloadFailed(f"{url}: {exc!r}") from exc
    _raise_for_status(response, url)
    return response


def _raise_for_status(response: httpx.Response, url: str) -> None:
    if not response.is_success:
        raise DownloadFailed(f"{url}: HTTP {response.status_code}")
