"""Properties of every registered parser, the format detection and the loader under bad input.

Inputs are arbitrary bytes and real corpus records mutated (truncated, bad UTF-8, lines or
elements dropped, duplicated or reordered, huge or odd values, deep markup). A parser returns
rows or rejects with a reason, or refuses the whole file with `DamagedFile`; it never raises
anything else and never hangs. A format whose parser is not registered yet is skipped.
"""

from __future__ import annotations

import copy
import gzip
import io
import os
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.conftest import CORPUS
from warehouse.errors import DamagedFile, UnsupportedFormat
from warehouse.formats.records import CHILD_TABLES
from warehouse.formats.registry import RECORD_FORMATS, detect_format, parser_for
from warehouse.inputs import read_head
from warehouse.loading.load import load_file
from warehouse.loading.normalize import SourceInfo, normalize
from warehouse.readers.checks import run_checks
from warehouse.schema import create_schema

EXAMPLES = int(os.environ.get("PUBMED_WAREHOUSE_PROPERTY_EXAMPLES", "30"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    # A hang is caught by the timeout below; one example loading a whole mutated file into a
    # fresh warehouse takes a few seconds, several times that on a busy machine.
    deadline=timedelta(seconds=60),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
pytestmark = pytest.mark.timeout(300)
SEED_GLOBS = {
    "xml": ("xml", "*.xml*"),
    "medline": ("medline", "*"),
    "abstract-text": ("abstract-text", "*.txt"),
    "csv": ("exports", "*.csv"),
    "summary-text": ("exports", "summary-*.txt"),
}
MAX_SEED_BYTES = 60_000
ODD_VALUES = [
    "2007 Feb 30",
    "1998 Dec-1999 Jan",
    "2001 Spring",
    "Winter 2003",
    "2000 Summer-Fall",
    "2010 Sep-Oct",
    "1999 Nov 31",
    "2021 Jan 1-15",
    "Fall",
    "0000",
    "99999",
    "13",
    "-1",
    "²",
    "２００７",
    "9" * 30,
    "9999999999",
    "",
    "   ",
    "NaN",
    "&amp;<b>",
    "\u00a0\t\n",
    "x" * 200_000,
]
XML_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=50)
SOURCE = SourceInfo("test", "mutated", None, datetime(2026, 1, 1))


def _registered(fmt: str) -> bool:
    try:
        parser_for(fmt)
    except UnsupportedFormat:
        return False
    return True


def _seed(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """One of the seeds, drawn by index (so that a failing example prints short)."""
    return st.integers(0, len(seeds) - 1).map(seeds.__getitem__)


@cache
def _seeds(fmt: str) -> list[bytes]:
    """Real records of a format from the corpus (never holdout/), small enough to mutate."""
    folder, pattern = SEED_GLOBS[fmt]
    seeds = []
    for path in sorted(p for p in (CORPUS / folder).rglob(pattern) if p.is_file()):
        raw = path.read_bytes()
        raw = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        if len(raw) <= MAX_SEED_BYTES:
            seeds.append(raw)
    return seeds


FORMAT_PARAMS = [
    pytest.param(
        fmt,
        marks=pytest.mark.skipif(
            not _registered(fmt), reason=f"no parser registered for {fmt!r} in RECORD_FORMATS yet"
        ),
    )
    for fmt in RECORD_FORMATS
]


def assert_rows_or_reasons(fmt: str, data: bytes) -> list:
    """Parse `data`: whole records with keys, or rejects with reasons, or a damaged file."""
    try:
        batches = list(parser_for(fmt)(io.BytesIO(data), 7))
    except DamagedFile as exc:
        assert str(exc).strip()
        return []
    for batch in batches:
        for reject in batch.rejects:
            assert reject.reason.strip() and reject.position >= 1
        frames = normalize(batch, SOURCE)
        pmids = frames["articles"]["pmid"]
        assert pmids.null_count() == 0 and pmids.n_unique() == len(pmids)
        for table in CHILD_TABLES:
            assert set(frames[table]["pmid"].to_list()) <= set(pmids.to_list()), table
    return batches


@st.composite
def mutated_lines(draw: st.DrawFn, fmt: str) -> bytes:
    """A seed with lines dropped, duplicated, swapped, cut or given bad bytes."""
    lines = draw(_seed(_seeds(fmt))).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "swap", "cut", "bytes", "odd"]))
        if action == "drop":
            del lines[i]
        elif action == "duplicate":
            lines.insert(j, lines[i])
        elif action == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif action == "bytes":
            lines[i] = lines[i][:3] + draw(st.binary(min_size=1, max_size=20)) + lines[i][3:]
        else:
            lines[i] = lines[i][:6] + draw(st.sampled_from(ODD_VALUES)).encode() + b"\n"
    return b"".join(lines)


@cache
def _documents() -> list[bytes]:
    """XML seeds that are one well-formed document (the tree mutations start from those)."""
    documents = []
    for seed in _seeds("xml"):
        try:
            etree.fromstring(seed, etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError:
            continue
        documents.append(seed)
    return documents


@st.composite
def mutated_xml(draw: st.DrawFn, fmt: str) -> bytes:
    """A seed XML file with elements dropped, duplicated, moved, nested or given odd text."""
    root = etree.fromstring(draw(_seed(_documents())), etree.XMLParser(resolve_entities=False))
    elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
    assume(elements)
    for _ in range(draw(st.integers(1, 5))):
        elem = draw(st.sampled_from(elements))
        parent = elem.getparent()
        if parent is None:
            continue
        action = draw(st.sampled_from(["drop", "duplicate", "move", "text", "nest", "attr"]))
        if action == "drop":
            parent.remove(elem)
        elif action == "duplicate":
            parent.insert(parent.index(elem), copy.deepcopy(elem))
        elif action == "move":
            parent.remove(elem)
            parent.insert(draw(st.integers(0, len(parent))), elem)
        elif action == "text":
            elem.text = draw(st.sampled_from(ODD_VALUES) | XML_TEXT)
        elif action == "nest":
            node = etree.SubElement(elem, "sup")
            for _ in range(draw(st.integers(1, 400))):
                node = etree.SubElement(node, "i")
            node.text = "deep"
        else:
            key = draw(st.sampled_from(["Version", "UI", "MajorTopicYN", "ValidYN", "IdType"]))
            elem.set(key, draw(st.sampled_from(ODD_VALUES[:-1])))
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


@st.composite
def cut_or_corrupted(draw: st.DrawFn, fmt: str) -> bytes:
    """A seed cut short, or with bytes (often not UTF-8) written over part of it."""
    seed = draw(_seed(_seeds(fmt)))
    at = draw(st.integers(0, len(seed)))
    if draw(st.booleans()):
        return seed[:at]
    junk = draw(st.sampled_from([b"\xff\xfe", b"\xc3(", b"\xed\xa0\x80", b"\x00"]) | st.binary())
    return seed[:at] + junk + seed[at + len(junk) :]


def _inputs(fmt: str) -> st.SearchStrategy[bytes]:
    assert _seeds(fmt), f"no corpus records of {fmt}"
    strategies = [mutated_lines(fmt), cut_or_corrupted(fmt)]
    if fmt == "xml":
        strategies.append(mutated_xml(fmt))
    return st.one_of(strategies)


@pytest.mark.parametrize("fmt", FORMAT_PARAMS)
def test_arbitrary_bytes_give_rows_or_reasons(fmt: str) -> None:
    seeds = _seeds(fmt)

    @PROPERTY
    @given(_seed(seeds), st.integers(0, 200), st.binary(max_size=3000))
    def check(seed: bytes, keep: int, noise: bytes) -> None:
        assert_rows_or_reasons(fmt, seed[:keep] + noise)

    check()


@pytest.mark.parametrize("fmt", FORMAT_PARAMS)
def test_mutated_records_give_rows_or_reasons(fmt: str) -> None:
    @PROPERTY
    @given(_inputs(fmt))
    def check(data: bytes) -> None:
        assert_rows_or_reasons(fmt, data)

    check()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMAT_PARAMS)
def test_loader_keeps_invariants_under_mutated_files(fmt: str, tmp_path: Path) -> None:
    """Every mutated file loads or is rejected with a reason; the warehouse stays consistent.

    Each example loads the mutated file, then a copy with one more byte (same records again).
    """
    counter = iter(range(1_000_000))

    @PROPERTY
    @given(_inputs(fmt))
    def check(data: bytes) -> None:
        con = duckdb.connect(":memory:")
        create_schema(con)
        for content in (data, data + b"\n"):
            path = tmp_path / f"mutated-{next(counter)}.{fmt}"
            path.write_bytes(content)
            result = load_file(con, path, batch_size=3)
            assert result.status in ("loaded", "rejected")
            reasons = con.execute(
                "select reason from rejects where source_file = ?", [str(path)]
            ).fetchall()
            assert all(reason.strip() for (reason,) in reasons)
            failed = {r.name: r.examples for r in run_checks(con) if not r.passed}
            assert failed == {}
        con.close()

    check()


@PROPERTY
@given(st.binary(max_size=5000))
def test_format_detection_names_a_format_or_refuses(data: bytes) -> None:
    try:
        assert detect_format(data) in RECORD_FORMATS
    except UnsupportedFormat as exc:
        assert str(exc).strip()


@PROPERTY
@given(st.binary(max_size=3000))
def test_gzip_damage_is_a_damaged_file(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("gz") / "damaged.gz"
    path.write_bytes(b"\x1f\x8b" + data)
    try:
        read_head(path)
    except DamagedFile as exc:
        assert "download it again" in str(exc)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2007 Feb 30", "2007-02-01"),
        ("1998 Dec-1999 Jan", "1998-12-01"),
        ("2001 Spring", "2001-03-01"),
        ("Winter 2003", "2003-12-01"),
        ("2000 Summer-Fall", "2000-06-01"),
        ("1999 Nov 31", "1999-11-01"),
        ("2021 Jan 1-15", "2021-01-01"),
        ("Fall", None),
        ("99999", None),
        ("", None),
    ],
)
def test_odd_publication_dates(raw: str, expected: str | None) -> None:
    import polars as pl

    from warehouse.loading.normalize import pub_date

    value = pl.DataFrame({"raw": [raw]}).select(pub_date(pl.col("raw"))).item()
    assert (value.isoformat() if value else None) == expected
