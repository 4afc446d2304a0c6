"""NLM's MeSH folder (`xmlmesh/`): which year it serves, and downloads checked by MD5 or size.

The folder lists `descYYYY.xml` / `descYYYY.gz`, `qualYYYY.xml`, `suppYYYY.xml` / `.gz` (and
other years, formats and files). The current year is the latest one with a descriptor file;
for each kind the gzip is preferred. A file with a `.md5` beside it is checked against it;
otherwise the bytes received must equal the size the server announces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import httpx

from warehouse.errors import DownloadFailed
from warehouse.sources.download import MirrorFile, download, download_sized

MESH_LINK = re.compile(r'href="(?:[^"]*/)?((desc|qual|supp)(\d{4})\.(?:xml\.gz|gz|xml))"', re.I)
KIND_NAMES = {"desc": "descriptors", "qual": "qualifiers", "supp": "supplementary"}
KIND_ORDER = ("descriptors", "qualifiers", "supplementary")
"""Load order: descriptors first (supplementary records map to them)."""


@dataclass(frozen=True)
class MeshFile:
    """One MeSH file on the server: name, URL, kind, year and whether a `.md5` sits beside it."""

    name: str
    url: str
    kind: str
    year: int
    has_md5: bool


def list_current_year(client: httpx.Client, mesh_url: str) -> list[MeshFile]:
    """The latest year's descriptor, qualifier and supplementary files, in load order."""
    base = mesh_url.rstrip("/") + "/"
    try:
        response = client.get(base)
    except httpx.HTTPError as exc:
        raise DownloadFailed(f"{base}: {exc!r}") from exc
    if not response.is_success:
        raise DownloadFailed(f"{base}: HTTP {response.status_code}")
    return current_year_files(response.text, base)


def current_year_files(html: str, base: str) -> list[MeshFile]:
    """The latest year with a descriptor file in a listing: one file per kind, gzip preferred."""
    links = {m.group(1): m for m in MESH_LINK.finditer(html)}
    md5s = set(re.findall(r'href="(?:[^"]*/)?([^"/]+)\.md5"', html))
    years = [int(m.group(3)) for m in links.values() if m.group(2).lower() == "desc"]
    if not years:
        raise DownloadFailed(f"{base}: the listing names no descYYYY file")
    year = max(years)
    chosen: dict[str, MeshFile] = {}
    for name, match in sorted(links.items(), key=lambda item: not item[0].endswith("gz")):
        kind = KIND_NAMES[match.group(2).lower()]
        if int(match.group(3)) == year and kind not in chosen:
            chosen[kind] = MeshFile(name, urljoin(base, name), kind, year, name in md5s)
    return [chosen[kind] for kind in KIND_ORDER if kind in chosen]


def download_mesh(client: httpx.Client, remote: MeshFile, directory: Path) -> Path:
    """Download a MeSH file into `directory`: MD5-checked when it has a `.md5`, else size."""
    if remote.has_md5:
        as_mirror = MirrorFile(remote.name, remote.url, "mesh", f"mesh{remote.year}")
        return download(client, as_mirror, directory)
    return download_sized(client, remote.name, remote.url, directory)
