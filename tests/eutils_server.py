"""A real HTTP server on loopback that answers `efetch.fcgi` and `esearch.fcgi` like NCBI does.

It holds the PubmedArticle / PubmedBookArticle elements of corpus XML files by PMID and answers
`db=pubmed&retmode=xml&id=...` (GET query or POST form) with a PubmedArticleSet of the requested
PMIDs it knows, leaving unknown ones out as efetch does. Faults can be queued for the next
requests (an HTTP status with an optional Retry-After, or a 200 answer cut short), and every
request is logged with its arrival time, method and parameters.

`esearch.fcgi` answers the queries registered with `add_search` (a term and its hits' PMIDs
with their publication dates), with esearch's cap of 10,000 listed PMIDs, the count, and the
history server: `usehistory=y` stores the result under a `WebEnv` and `QueryKey`, and a term
`#KEY` or `#KEY AND YYYY/MM/DD:YYYY/MM/DD[dp]` (with that `WebEnv`) reads it back, narrowed to
a publication date range (records without a date never match a range). Faults are for efetch
requests only.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from warehouse.inputs import open_input

HEAD = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)
TAIL = b"</PubmedArticleSet>\n"
PMID_PATHS = ("MedlineCitation/PMID", "BookDocument/PMID")
RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")
ESEARCH_CAP = 10_000
HISTORY_TERM = re.compile(r"#(\d+)(?: AND (\d{4}/\d{2}/\d{2}):(\d{4}/\d{2}/\d{2})\[dp\])?")


@dataclass(frozen=True)
class EfetchRequest:
    """One request as the server saw it: arrival (monotonic seconds), method, parameters."""

    at: float
    method: str
    params: dict[str, str]
    utility: str = "efetch"

    @property
    def pmids(self) -> list[int]:
        return [int(p) for p in self.params.get("id", "").split(",") if p]


@dataclass(frozen=True)
class Fault:
    """A canned answer for one request: an HTTP status, or a 200 whose XML is cut short."""

    status: int = 200
    retry_after: str | None = None
    truncate: bool = False


@dataclass
class Eutils:
    """The served E-utilities: its root URL, the records it knows, its request log and faults."""

    url: str
    records: dict[int, bytes]
    requests: list[EfetchRequest] = field(default_factory=list)
    faults: deque[Fault] = field(default_factory=deque)
    searches: dict[str, dict[int, date | None]] = field(default_factory=dict)
    histories: dict[str, list[dict[int, date | None]]] = field(default_factory=dict)

    def add_search(self, term: str, hits: dict[int, date | None]) -> None:
        """esearch finds these PMIDs (with their publication dates) for `term`."""
        self.searches[term] = hits

    def add_records(self, template_pmid: int, pmids: Iterable[int]) -> None:
        """Serve records for `pmids`: copies of a known record with its PMID replaced."""
        template = self.records[template_pmid]
        old = b">%d<" % template_pmid
        for pmid in pmids:
            self.records[pmid] = template.replace(old, b">%d<" % pmid)

    def search(self, params: dict[str, str]) -> bytes:
        """The eSearchResult for esearch's parameters (see the module's docstring)."""
        hits = self._hits(params.get("term", ""), params.get("WebEnv"))
        if hits is None:
            return b"<eSearchResult><ERROR>Invalid query key or WebEnv</ERROR></eSearchResult>"
        retmax = int(params.get("retmax", "20"))
        if retmax > ESEARCH_CAP:
            return b"<eSearchResult><ERROR>retmax is larger than 10000</ERROR></eSearchResult>"
        history = b""
        if params.get("usehistory") == "y":
            webenv = params.get("WebEnv") or f"MCID_{len(self.histories) + 1}"
            self.histories.setdefault(webenv, []).append(hits)
            key = len(self.histories[webenv])
            history = b"<QueryKey>%d</QueryKey><WebEnv>%s</WebEnv>" % (key, webenv.encode())
        listed = sorted(hits, reverse=True)[:retmax]
        ids = b"".join(b"<Id>%d</Id>" % pmid for pmid in listed)
        return (
            b'<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><Count>%d</Count>'
            b"<RetMax>%d</RetMax><RetStart>0</RetStart>%s<IdList>%s</IdList></eSearchResult>\n"
            % (len(hits), len(listed), history, ids)
        )

    def _hits(self, term: str, webenv: str | None) -> dict[int, date | None] | None:
        """A term's hits: a registered query, or a history entry narrowed to a date range."""
        matched = HISTORY_TERM.fullmatch(term)
        if matched is None:
            return self.searches.get(term, {})
        stored = self.histories.get(webenv or "", [])
        key = int(matched.group(1))
        if not 1 <= key <= len(stored):
            return None
        if matched.group(2) is None:
            return stored[key - 1]
        first, last = (date(*map(int, d.split("/"))) for d in matched.group(2, 3))
        return {p: d for p, d in stored[key - 1].items() if d is not None and first <= d <= last}

    def fail_next(self, *faults: Fault) -> None:
        """Answer the next requests with these faults, in order."""
        self.faults.extend(faults)

    def answer(self, pmids: Iterable[int]) -> bytes:
        """The PubmedArticleSet efetch gives for these PMIDs (unknown ones left out)."""
        return HEAD + b"".join(self.records[p] for p in pmids if p in self.records) + TAIL


def corpus_records(files: Iterable[Path]) -> dict[int, bytes]:
    """Every record element of the files, by PMID (a later file's version wins)."""
    records: dict[int, bytes] = {}
    for path in files:
        with open_input(path) as stream:
            root = etree.parse(stream, etree.XMLParser(resolve_entities=False)).getroot()
        elements = [root] if root.tag in RECORD_TAGS else [e for e in root if e.tag in RECORD_TAGS]
        for element in elements:
            pmid = next((t for p in PMID_PATHS if (t := element.findtext(p)) is not None), None)
            if pmid is not None:
                records[int(pmid)] = (
                    etree.tostring(
                        element, encoding="UTF-8", xml_declaration=False, with_tail=False
                    )
                    + b"\n"
                )
    return records


def _handler(eutils: Eutils, lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: requests are logged in `eutils.requests`."""

        def do_GET(self) -> None:
            self._answer("GET", urlsplit(self.path).query)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            self._answer("POST", self.rfile.read(length).decode())

        def _answer(self, method: str, query: str) -> None:
            arrived = time.monotonic()
            path = urlsplit(self.path).path
            params = {key: values[-1] for key, values in parse_qs(query).items()}
            if path == "/entrez/eutils/esearch.fcgi":
                with lock:
                    eutils.requests.append(EfetchRequest(arrived, method, params, "esearch"))
                    body = eutils.search(params)
                self._send(200, body)
                return
            if path != "/entrez/eutils/efetch.fcgi":
                self._send(404, b"not found")
                return
            request = EfetchRequest(arrived, method, params)
            with lock:
                eutils.requests.append(request)
                fault = eutils.faults.popleft() if eutils.faults else Fault()
            if params.get("db") != "pubmed" or params.get("retmode") != "xml":
                self._send(400, b'{"error":"db=pubmed and retmode=xml expected"}')
                return
            if fault.status != 200:
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                self._send(fault.status, b'{"error":"API rate limit exceeded"}', headers)
                return
            body = eutils.answer(request.pmids)
            self._send(200, body[: len(body) // 2] if fault.truncate else body)

        def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "text/xml; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_eutils(files: Iterable[Path]) -> Iterator[Eutils]:
    """Serve efetch for the records of `files` on a free loopback port until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    eutils = Eutils(f"http://127.0.0.1:{server.server_port}/entrez/eutils/", corpus_records(files))
    server.RequestHandlerClass = _handler(eutils, threading.Lock())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield eutils
    finally:
        server.shutdown()
        server.server_close()
