"""The HTML report: self-contained, and its charts really draw in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import duckdb
import lxml.html
import pytest
from typer.testing import CliRunner

from tests import xml_facts as facts
from warehouse.cli import app
from warehouse.report import CO_OCCURRING, render_report
from warehouse.snapshot import publish_snapshot

TERM = "Lung Neoplasms"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("headless Chromium is missing: apt-get install -y chromium (see .ci/run)")
    return found


def rendered_dom(page: Path, profile: Path) -> lxml.html.HtmlElement:
    """The page's DOM after its scripts ran, as Chromium dumps it."""
    run = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return lxml.html.fromstring(run.stdout)


def marks(dom: lxml.html.HtmlElement, chart: str) -> list[int]:
    """Values of the drawn marks (SVG rects) of one chart, in drawing order."""
    figure = dom.xpath(f'//figure[@data-chart="{chart}"]')[0]
    return [
        int(r.get("data-value"))
        for r in figure.xpath('.//*[local-name()="rect"]')
        if r.get("class") == "mark"
    ]


def expected_cells(pairs: list[tuple[str, int]], top: int) -> list[int]:
    """Heatmap cell values: the TOP names by article count, each name's years in order."""
    totals = Counter(name for name, _ in pairs)
    names = sorted(totals, key=lambda n: (-totals[n], n))[:top]
    per_cell = Counter(pairs)
    return [per_cell[(n, y)] for n in names for y in sorted(y for m, y in per_cell if m == n)]


@pytest.fixture(scope="module")
def term_report(xml_corpus_db: duckdb.DuckDBPyConnection, tmp_path_factory) -> Path:
    page = tmp_path_factory.mktemp("report") / "report.html"
    page.write_text(render_report(xml_corpus_db, TERM), encoding="utf-8")
    return page


def test_report_is_self_contained(term_report: Path) -> None:
    html = term_report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=|@import|url\(|<link""", html, re.IGNORECASE)


def test_charts_draw_in_headless_chromium(
    term_report: Path, xml_corpus_db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    dom = rendered_dom(term_report, tmp_path / "profile")
    assert dom.xpath("//body/@data-drawn") == ["true"]
    per_year = xml_corpus_db.execute(
        "select count(*) from articles where pub_year is not null group by pub_year "
        "order by pub_year"
    ).fetchall()
    assert marks(dom, "articles-per-year") == [n for (n,) in per_year]
    assert len(marks(dom, "top-descriptors")) == 15
    assert marks(dom, "top-descriptors")[0] == sum(
        "Humans" in facts.descriptors(c) for c in facts.citations().values()
    )
    assert len(marks(dom, "top-substances")) == 15
    topic = [c for c in facts.citations().values() if TERM in facts.descriptors(c)]
    years = Counter(facts.pub_year(c) for c in topic)
    assert marks(dom, "term-articles-per-year") == [years[y] for y in sorted(years)]
    co_descriptors = [(d, facts.pub_year(c)) for c in topic for d in facts.descriptors(c)]
    co_substances = [(s, facts.pub_year(c)) for c in topic for s in facts.substances(c)]
    for chart, pairs in (
        ("term-descriptors-by-year", [p for p in co_descriptors if p[0] != TERM]),
        ("term-substances-by-year", co_substances),
    ):
        assert marks(dom, chart) == expected_cells(pairs, CO_OCCURRING), chart
    assert not dom.xpath('//p[@class="empty"]')


def test_report_without_term_hides_the_term_charts(
    xml_corpus_db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    page = tmp_path / "plain.html"
    page.write_text(render_report(xml_corpus_db), encoding="utf-8")
    dom = rendered_dom(page, tmp_path / "profile")
    assert dom.xpath('//div[@id="term-sections"]/@hidden')
    assert marks(dom, "term-articles-per-year") == []
    assert len(marks(dom, "top-substances")) == 15


def test_report_command(xml_corpus_db, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing listens there
    db = publish_snapshot(xml_corpus_db, tmp_path / "snapshot.duckdb")
    out = tmp_path / "report.html"
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(out), "--db", str(db), "--term", TERM])
    assert result.exit_code == 0, result.output
    assert "Lung Neoplasms" in out.read_text(encoding="utf-8")
    unknown = runner.invoke(app, ["report", str(out), "--db", str(db), "--term", "Lung Neoplasm"])
    assert unknown.exit_code == 2
    assert "no article is indexed with MeSH descriptor 'Lung Neoplasm'" in unknown.output
    assert "closest: Lung Neoplasms" in unknown.output
