"""A real HTTP server on loopback that serves a folder like NLM's PubMed download site.

Folders are served as Apache-style index pages, files in full or from a `Range: bytes=N-`
offset (206), and every data request is logged so that tests can see what was fetched.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

INDEX_PAGE = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html>
 <head>
  <title>Index of {path}</title>
 </head>
 <body>
<h1>Index of {path}</h1>
<pre>Name                    Last modified      Size  <hr><a href="/pubmed/">Parent Directory</a>  -
{rows}<hr></pre>
</body></html>
"""


@dataclass
class MirrorLog:
    """What the server was asked for: (path, Range header or None) per file request."""

    requests: list[tuple[str, str | None]] = field(default_factory=list)

    def fetched(self, name: str) -> list[str | None]:
        """Range headers of the GETs of one file name (None for a full download)."""
        return [rng for path, rng in self.requests if path.endswith("/" + name)]


@dataclass
class Mirror:
    """A mirror folder being served: its URL, root on disk and request log."""

    url: str
    root: Path
    log: MirrorLog

    def publish(self, folder: str, name: str, data: bytes, md5: str | None = None) -> Path:
        """Put a data file and its NLM-style `.md5` (the true one unless `md5` is given)."""
        path = self.root / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        digest = md5 or hashlib.md5(data, usedforsecurity=False).hexdigest()
        (path.parent / f"{name}.md5").write_text(f"MD5({name})= {digest}\n")
        return path

    def withdraw(self, folder: str, name: str) -> None:
        """Remove a data file and its checksum from the mirror."""
        for path in (self.root / folder / name, self.root / folder / f"{name}.md5"):
            path.unlink()


def gzipped(path: Path, mtime: int = 0) -> bytes:
    """A corpus file's bytes as an NLM `.xml.gz`; `mtime` gives the same records other bytes."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return gzip.compress(data, mtime=mtime)


def _index_rows(folder: Path) -> str:
    rows = []
    for entry in sorted(folder.iterdir()):
        stamp = datetime.fromtimestamp(entry.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        rows.append(f'<a href="{entry.name}">{entry.name}</a>  {stamp}  {entry.stat().st_size}')
    return "\n".join(rows) + "\n"


def _handler(root: Path, log: MirrorLog) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the request log is kept in `log`."""

        def do_GET(self) -> None:
            target = root / unquote(self.path).lstrip("/")
            if target.is_dir():
                self._send(
                    200, INDEX_PAGE.format(path=self.path, rows=_index_rows(target)).encode()
                )
            elif target.is_file():
                self._send_file(target)
            else:
                self._send(404, b"not found")

        def do_HEAD(self) -> None:
            target = root / unquote(self.path).lstrip("/")
            if not target.is_file():
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(target.stat().st_size))
            self.end_headers()

        def _send_file(self, target: Path) -> None:
            data = target.read_bytes()
            wanted = self.headers.get("Range")
            log.requests.append((self.path, wanted))
            if wanted and wanted.startswith("bytes=") and wanted.endswith("-"):
                start = int(wanted.removeprefix("bytes=").removesuffix("-"))
                if start >= len(data):
                    self._send(416, b"")
                    return
                self._send(
                    206,
                    data[start:],
                    {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"},
                )
            else:
                self._send(200, data)

        def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Accept-Ranges", "bytes")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_mirror(root: Path) -> Iterator[Mirror]:
    """Serve `root` on a free loopback port until the block ends; the mirror lives at /pubmed/."""
    (root / "pubmed" / "baseline").mkdir(parents=True, exist_ok=True)
    (root / "pubmed" / "updatefiles").mkdir(parents=True, exist_ok=True)
    log = MirrorLog()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(root, log))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Mirror(f"http://127.0.0.1:{server.server_port}/pubmed/", root / "pubmed", log)
    finally:
        server.shutdown()
        server.server_close()
