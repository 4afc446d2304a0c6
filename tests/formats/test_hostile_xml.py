"""Hostile XML: entity expansion, external entities and DTDs are refused with a reject row, and
nothing is read from the network or from files outside the input (checked with a real loopback
server and a FIFO that reports any reader)."""

from __future__ import annotations

import http.server
import os
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import CORPUS, free_port
from warehouse.loading.load import load_file

RECORD = (CORPUS / "xml/biopython/pubmed4.xml").read_text()
BODY = RECORD[RECORD.index("<PubmedArticle>") : RECORD.rindex("</PubmedArticleSet>")]
pytestmark = pytest.mark.timeout(60)


class Requests(http.server.BaseHTTPRequestHandler):
    """Counts every request it gets; answers with an entity's worth of text."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Requests.seen.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"FETCHED-FROM-NETWORK")

    def log_message(self, *args) -> None:
        return


@pytest.fixture
def http_server() -> str:
    """A real HTTP server on loopback that records requests."""
    Requests.seen = []
    server = http.server.HTTPServer(("127.0.0.1", free_port()), Requests)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def watched_file(tmp_path: Path):
    """A FIFO outside the input; `opened()` tells whether anything opened it for reading."""
    fifo = tmp_path / "secret"
    os.mkfifo(fifo)

    def opened() -> bool:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return False  # ENXIO: no reader has it open
        os.close(fd)
        return True

    return fifo, opened


def _write(tmp_path: Path, doctype: str, body: str = BODY) -> Path:
    path = tmp_path / "hostile.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n{doctype}\n<PubmedArticleSet>{body}</PubmedArticleSet>'
    )
    return path


def _rejects(con) -> list[tuple]:
    return con.execute("select position, pmid, reason from rejects").fetchall()


def test_billion_laughs_is_refused_whole(fresh_db, tmp_path: Path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10)
    )
    body = BODY.replace("<ArticleTitle>", "<ArticleTitle>&lol9;", 1)
    started = time.monotonic()
    result = load_file(
        fresh_db, _write(tmp_path, f"<!DOCTYPE PubmedArticleSet [{entities}]>", body)
    )
    assert time.monotonic() - started < 10
    assert result.status == "rejected"
    [(position, _, reason)] = _rejects(fresh_db)
    assert position is None and "entity-expansion" in reason
    assert fresh_db.execute("select count(*) from articles").fetchone()[0] == 0


def test_external_file_entity_is_never_read(fresh_db, tmp_path: Path, watched_file) -> None:
    fifo, opened = watched_file
    doctype = f'<!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "file://{fifo}">]>'
    body = BODY.replace("<ArticleTitle>", "<ArticleTitle>&x;", 1)
    result = load_file(fresh_db, _write(tmp_path, doctype, body))
    assert not opened()
    assert (result.status, result.rejected, result.inserted) == ("loaded", 1, 0)
    [(position, pmid, reason)] = _rejects(fresh_db)
    assert (position, pmid) == (1, 27797938)
    assert "uses the entity &x;" in reason and "never resolved" in reason


def test_external_http_entity_is_never_fetched(fresh_db, tmp_path: Path, http_server) -> None:
    doctype = f'<!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "{http_server}/x">]>'
    body = BODY.replace("<ArticleTitle>", "<ArticleTitle>&x;", 1)
    result = load_file(fresh_db, _write(tmp_path, doctype, body))
    assert Requests.seen == []
    assert result.rejected == 1
    assert "uses the entity &x;" in _rejects(fresh_db)[0][2]


@pytest.mark.parametrize("where", ["http", "file"])
def test_dtd_is_never_fetched(fresh_db, tmp_path: Path, http_server, watched_file, where) -> None:
    """A DOCTYPE naming a DTD (as every NLM file does) is not fetched; the records load."""
    fifo, opened = watched_file
    url = f"{http_server}/pubmed.dtd" if where == "http" else f"file://{fifo}"
    parameter = f'<!ENTITY % p SYSTEM "{url}"> %p;'
    doctype = f'<!DOCTYPE PubmedArticleSet SYSTEM "{url}" [{parameter}]>'
    result = load_file(fresh_db, _write(tmp_path, doctype))
    assert Requests.seen == [] and not opened()
    assert (result.inserted, result.rejected) == (1, 0)
    title = fresh_db.execute("select title from articles").fetchone()[0]
    assert "FETCHED" not in title
