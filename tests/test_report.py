"""The HTML report: its charts checked without a browser (Vega-Lite specs rendered by vl-convert's
own engine), its tables and links, and one real-browser check where Chromium is installed."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import duckdb
import lxml.etree
import lxml.html
import polars as pl
import pytest
import vl_convert
from typer.testing import CliRunner

from tests import xml_facts as facts
from warehouse.cli import app
from warehouse.errors import UnknownDescriptor
from warehouse.readers.snapshot import publish_snapshot
from warehouse.report import charts
from warehouse.report.page import chart_specs, ledger_table
from warehouse.report.sections import (
    ReportData,
    create_lookups,
    render_report,
    report_data,
    resolve_descriptor,
    run_report_query,
)

TERM = "Lung Neoplasms"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=20000",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves: the page must draw offline
]
DATA_MARKS = ("bar", "rect mark", "point")
LINK_PREFIXES = ("https://pubmed.ncbi.nlm.nih.gov/", "https://doi.org/", "https://orcid.org/")


def parse_label(label: str) -> dict[str, str]:
    """A mark's aria label ("field: value; field: value") as a dict."""
    return dict(part.split(": ", 1) for part in label.split("; "))


def drawn_marks(svg_root: lxml.etree._Element) -> list[dict[str, str]]:
    """Every data mark (bar, cell, point) of a rendered chart, with its x and y position."""
    found = []
    for mark in svg_root.xpath('//*[@role="graphics-symbol"]'):
        if mark.get("aria-roledescription") not in DATA_MARKS:
            continue
        fields = parse_label(mark.get("aria-label"))
        move = re.match(r"M(-?[\d.]+),(-?[\d.]+)", mark.get("d") or "")
        if move:
            fields |= {"_x": move.group(1), "_y": move.group(2)}
        fields["_kind"] = mark.get("aria-roledescription")
        found.append(fields)
    return found


def render(spec: dict) -> list[dict[str, str]]:
    """Render a Vega-Lite spec to SVG with vl-convert (no browser) and return its marks."""
    svg = vl_convert.vegalite_to_svg(spec)
    return drawn_marks(lxml.etree.fromstring(svg.encode()))


def axis_labels(spec: dict) -> list[str]:
    svg = vl_convert.vegalite_to_svg(spec)
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def switched_on(spec: dict) -> dict:
    """The spec as the page shows it once the check-tag switch is on."""
    on = copy.deepcopy(spec)
    for param in on["params"]:
        if param["name"] == charts.INCLUDE_CHECK_TAGS:
            param["value"] = True
    return on


def ranked(counts: Counter, top: int, leave_out: set[str] = frozenset()) -> list[tuple[str, int]]:
    kept = [(name, n) for name, n in counts.items() if name not in leave_out]
    return sorted(kept, key=lambda item: (-item[1], item[0]))[:top]


def bars_top_down(marks: list[dict[str, str]], name: str) -> list[tuple[str, int]]:
    """(name, articles) of horizontal bars, in the order they stand from the top."""
    bars = sorted(marks, key=lambda m: float(m["_y"]))
    return [(m[name], int(m["articles"].replace(",", ""))) for m in bars]


def expected_cells(pairs: list[tuple[str, int]], top: int) -> Counter:
    """Heat-map cells (name, year) -> articles for the TOP names by article count."""
    totals = Counter(name for name, _ in pairs)
    names = {n for n, _ in ranked(totals, top)}
    return Counter(p for p in pairs if p[0] in names)


def drawn_cells(marks: list[dict[str, str]]) -> Counter:
    return Counter(
        {
            (m["name"], int(m["year"])): int(m["articles"])
            for m in marks
            if m["_kind"] == "rect mark"
        }
    )


@pytest.fixture(scope="module")
def term_data(xml_corpus_db: duckdb.DuckDBPyConnection) -> ReportData:
    return report_data(xml_corpus_db, TERM.lower())


@pytest.fixture(scope="module")
def check_tags(xml_corpus_db: duckdb.DuckDBPyConnection) -> set[str]:
    """NLM's check tags as the report reads them (`sql/report/check_tags.sql`)."""
    create_lookups(xml_corpus_db)
    rows = xml_corpus_db.execute("select descriptor_name from check_tags").fetchall()
    return {name for (name,) in rows}


@pytest.fixture(scope="module")
def specs(term_data: ReportData) -> dict[str, dict]:
    return chart_specs(term_data)


@pytest.fixture(scope="module")
def topic() -> list:
    return [c for c in facts.citations().values() if TERM in facts.descriptors(c)]


@pytest.fixture(scope="module")
def term_page(xml_corpus_db: duckdb.DuckDBPyConnection, tmp_path_factory) -> Path:
    page = tmp_path_factory.mktemp("report") / "report.html"
    page.write_text(render_report(xml_corpus_db, TERM), encoding="utf-8")
    return page


def test_page_loads_nothing_from_the_network(term_page: Path, specs: dict[str, dict]) -> None:
    doc = lxml.html.fromstring(term_page.read_bytes())
    assert not doc.xpath("//*[@src] | //link | //iframe | //object | //embed")
    style = " ".join(doc.xpath("//style/text()"))
    assert "url(" not in style and "@import" not in style
    hrefs = doc.xpath("//a/@href")
    assert hrefs and all(h.startswith(LINK_PREFIXES) for h in hrefs)
    scripts = doc.xpath("//script[not(@type)]/text()")
    assert any("window.vegaEmbed=" in s for s in scripts)  # the inlined Vega bundle
    embedded = json.loads(doc.xpath('//script[@id="chart-specs"]/text()')[0])
    assert embedded == json.loads(json.dumps(specs))
    assert set(doc.xpath("//figure/@data-chart")) == set(embedded)
    assert '"url"' not in json.dumps(embedded)  # every chart carries its data inline


def test_every_chart_renders_to_svg_and_png(specs: dict[str, dict]) -> None:
    for name, spec in specs.items():
        assert render(spec), f"{name} draws no mark"
        assert vl_convert.vegalite_to_png(spec).startswith(b"\x89PNG"), name


def test_articles_per_year_sit_on_a_continuous_year_axis(
    specs: dict[str, dict], xml_corpus_db: duckdb.DuckDBPyConnection
) -> None:
    per_year = dict(
        xml_corpus_db.execute(
            "select pub_year, count(*) from articles where pub_year is not null group by all"
        ).fetchall()
    )
    bars = render(specs["articles-per-year"])
    assert {int(m["publication year"]): int(m["articles"]) for m in bars} == per_year
    # x is linear in the year: 1976, 1985 and 1990 are not evenly spaced, missing years are gaps
    first = min(bars, key=lambda m: int(m["publication year"]))
    last = max(bars, key=lambda m: int(m["publication year"]))
    span = int(last["publication year"]) - int(first["publication year"])
    per_year_px = (float(last["_x"]) - float(first["_x"])) / span
    for bar in bars:
        offset = int(bar["publication year"]) - int(first["publication year"])
        assert float(bar["_x"]) == pytest.approx(float(first["_x"]) + offset * per_year_px)
    years = [t for t in axis_labels(specs["articles-per-year"]) if re.fullmatch(r"[\d,]{4,5}", t)]
    assert years and all("," not in t for t in years)


def test_top_descriptors_leave_check_tags_out_unless_switched_on(
    specs: dict[str, dict], check_tags: set[str]
) -> None:
    counts = Counter(d for c in facts.citations().values() for d in facts.descriptors(c))
    shown = bars_top_down(render(specs["top-descriptors"]), "descriptor")
    assert shown == ranked(counts, charts.TOP, leave_out=check_tags)
    assert not {name for name, _ in shown} & check_tags
    with_tags = bars_top_down(render(switched_on(specs["top-descriptors"])), "descriptor")
    assert with_tags == ranked(counts, charts.TOP)
    assert with_tags[0] == ("Humans", counts["Humans"])


def test_check_tags_are_nlms_list(check_tags: set[str]) -> None:
    species_sex_age = {"Humans", "Animals", "Female", "Male", "Pregnancy", "Infant, Newborn"}
    ages = {"Adolescent", "Young Adult", "Adult", "Middle Aged", "Aged", "Aged, 80 and over"}
    assert species_sex_age | ages | {"History, 20th Century"} <= check_tags
    assert not {"Mice", "Lung Neoplasms", "Rats"} & check_tags


def test_top_journals_substances_and_authors(specs: dict, term_data: ReportData) -> None:
    citations = facts.citations().values()
    journals = Counter(facts.journal(c)[0] for c in citations if facts.journal(c)[0])
    assert bars_top_down(render(specs["top-journals"]), "Top journals") == ranked(
        journals, charts.TOP
    )
    substances = Counter(s for c in citations for s in facts.substances(c))
    top_substances = bars_top_down(render(specs["top-substances"]), "Top substances")
    assert [n for _, n in top_substances] == [n for _, n in ranked(substances, charts.TOP)]
    keyed = Counter(
        key
        for c in citations
        for key in {orcid or name for name, orcid in facts.authors(c) if orcid or name}
    )
    authors = term_data.top_authors
    assert authors.get_column("article_count").to_list() == [
        n for _, n in ranked(keyed, charts.TOP)
    ]
    top_key, top_count = ranked(keyed, 1)[0]
    assert authors.row(0, named=True)["author_key"] == top_key
    assert authors.row(0, named=True)["article_count"] == top_count


def test_countries_of_affiliation(fresh_db: duckdb.DuckDBPyConnection) -> None:
    affiliations = [
        "Dept of Surgery, Johns Hopkins University, Baltimore, MD 21205, USA.",
        "Stanford University, Stanford, CA, USA. someone@stanford.edu.",
        "Department of Radiology, University of Washington, Seattle, Washington.",
        "Peking University, Beijing 100191, P.R. China.",
        "Seoul National University, Seoul, Republic of Korea. Electronic address: a@snu.ac.kr.",
        "Bristol BS8 1TQ, UK.",
        "Institute of Medical Sciences, New Delhi, India; and Imperial College, London, UK",
        "An affiliation that names no country at all",
        "Xuzhou Normal University, Xuzhou, Jiangsu 221116 China.",
        "Dartmouth College, Hanover, New Hampshire 03755 (United States). jim@dartmouth.edu.",
    ]
    fresh_db.executemany(
        "insert into affiliations (pmid, author_position, position, affiliation) "
        "values (?, 1, 1, ?)",
        [(pmid, text) for pmid, text in enumerate(affiliations, start=1)],
    )
    create_lookups(fresh_db)
    found = dict(run_report_query(fresh_db, "top_countries", limit=10).iter_rows())
    assert found == {"United States": 4, "United Kingdom": 2, "China": 2, "South Korea": 1}


def test_term_is_found_in_any_case_and_a_miss_suggests(
    xml_corpus_db: duckdb.DuckDBPyConnection,
) -> None:
    xml_corpus_db.execute("select pmid from articles").fetchone()  # as a caller may leave it
    assert resolve_descriptor(xml_corpus_db, "lung NEOPLASMS") == TERM
    with pytest.raises(UnknownDescriptor, match="closest: Lung Neoplasms"):
        resolve_descriptor(xml_corpus_db, "Lung Neoplasm")
    with pytest.raises(UnknownDescriptor) as missed:
        resolve_descriptor(xml_corpus_db, "neoplasm")
    assert "closest: Neoplasms, Neoplasm Staging, Neoplasm Invasiveness" in str(missed.value)


def test_term_trend_against_all_articles(
    specs: dict, topic: list, xml_corpus_db: duckdb.DuckDBPyConnection
) -> None:
    all_per_year = dict(
        xml_corpus_db.execute(
            "select pub_year, count(*) from articles where pub_year is not null group by all"
        ).fetchall()
    )
    on_term = Counter(facts.pub_year(c) for c in topic)
    marks = render(specs["term-trend"])
    bars = {int(m["year"]): m for m in marks if m["_kind"] == "bar"}
    assert set(bars) == set(all_per_year)
    for year, mark in bars.items():
        assert int(mark[f"articles on {TERM}"]) == on_term[year]
        assert int(mark["all articles"].replace(",", "")) == all_per_year[year]
        share = float(mark["share of all"].rstrip("%")) / 100
        assert share == pytest.approx(on_term[year] / all_per_year[year], abs=0.0006)


def test_term_co_occurring_descriptors_and_substances(
    specs: dict, topic: list, check_tags: set[str]
) -> None:
    co_descriptors = [
        (d, facts.pub_year(c)) for c in topic for d in facts.descriptors(c) if d != TERM
    ]
    without_tags = [p for p in co_descriptors if p[0] not in check_tags]
    spec = specs["term-descriptors"]
    assert drawn_cells(render(spec)) == expected_cells(without_tags, charts.CO_OCCURRING)
    assert drawn_cells(render(switched_on(spec))) == expected_cells(
        co_descriptors, charts.CO_OCCURRING
    )
    co_substances = [(s, facts.pub_year(c)) for c in topic for s in facts.substances(c)]
    assert drawn_cells(render(specs["term-substances"])) == expected_cells(
        co_substances, charts.CO_OCCURRING
    )


def test_term_articles_table_links_pubmed_and_doi(
    term_page: Path, topic: list, xml_corpus_db: duckdb.DuckDBPyConnection
) -> None:
    doc = lxml.html.fromstring(term_page.read_bytes())
    table = doc.xpath('//table[starts-with(caption, "Articles indexed with")]')[0]
    rows = table.xpath("tbody/tr")
    assert len(rows) == len(topic)
    years = [int(r.xpath("td[1]/text()")[0]) for r in rows]
    assert years == sorted(years, reverse=True)
    dois = dict(xml_corpus_db.execute("select pmid, doi from articles").fetchall())
    for row in rows:
        pubmed = row.xpath("td[5]/a")[0]
        pmid = int(pubmed.text)
        assert pubmed.get("href") == f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
        doi_links = row.xpath("td[6]/a/@href")
        assert doi_links == (
            [f"https://doi.org/{quote(dois[pmid], safe='/')}"] if dois[pmid] else []
        )
    assert {int(r.xpath("td[5]/a/text()")[0]) for r in rows} == {
        int(c.findtext("PMID")) for c in topic
    }


def test_term_articles_table_says_when_it_shows_only_the_newest(
    xml_corpus_db: duckdb.DuckDBPyConnection, topic: list, monkeypatch
) -> None:
    monkeypatch.setattr("warehouse.report.sections.TERM_ARTICLES", 2)
    doc = lxml.html.fromstring(render_report(xml_corpus_db, TERM).encode())
    table = doc.xpath('//table[starts-with(caption, "Articles indexed with")]')[0]
    assert table.xpath("caption/text()")[0].endswith(f"(showing 2 of {len(topic)})")
    assert len(table.xpath("tbody/tr")) == 2


def test_data_as_of_and_file_ledger(
    term_page: Path, xml_corpus_db: duckdb.DuckDBPyConnection
) -> None:
    doc = lxml.html.fromstring(term_page.read_bytes())
    lead = doc.xpath('//p[@id="summary"]')[0].text_content()
    last, files, records, rejected = xml_corpus_db.execute(
        "select max(finished_at), count(*), sum(records), sum(rejected) from ingested_files"
    ).fetchone()
    assert f"data as of {last:%Y-%m-%d %H:%M} UTC" in lead
    assert f"from {files:,} files" in lead
    table = doc.xpath('//table[starts-with(caption, "Files loaded")]')[0]
    header = [h.text for h in table.xpath("thead/tr/th")]
    cells = [
        dict(zip(header, (td.text or "" for td in tr), strict=True))
        for tr in table.xpath("tbody/tr")
    ]
    assert sum(int(c["files"].replace(",", "")) for c in cells) == files
    assert sum(int(c["records"].replace(",", "")) for c in cells) == records
    assert sum(int(c["rejected"].replace(",", "")) for c in cells) == rejected


def test_report_of_an_empty_warehouse(fresh_db: duckdb.DuckDBPyConnection) -> None:
    doc = lxml.html.fromstring(render_report(fresh_db).encode())
    assert "0 articles from 0 files · nothing loaded yet" in doc.xpath('//p[@id="summary"]')[0].text
    specs = json.loads(doc.xpath('//script[@id="chart-specs"]/text()')[0])
    for name, spec in specs.items():
        assert render(spec) == [], name


def test_counts_carry_thousands_separators_and_years_do_not() -> None:
    years = [1976, 1985, 1990, *range(2000, 2021)]
    frame = pl.DataFrame({"pub_year": years, "article_count": [y * 12 for y in years]})
    labels = axis_labels(charts.articles_per_year(frame))
    assert "20,000" in labels and "1990" in labels and "1,990" not in labels
    marks = render(charts.articles_per_year(frame))
    assert {m["articles"] for m in marks if m["publication year"] == "2020"} == {"24,240"}
    ledger = pl.DataFrame(
        {
            "format": ["xml"],
            "status": ["loaded"],
            **{c: [1_234_567] for c in ("file_count", "records", "inserted", "replaced")},
            **{c: [0] for c in ("unchanged", "skipped", "deleted", "rejected")},
            "last_finished_at": [datetime(2026, 1, 2, 3, 4, 5)],
        }
    )
    assert ledger_table(ledger).count(">1,234,567<") == 4


def test_report_command(xml_corpus_db, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing listens there
    db = publish_snapshot(xml_corpus_db, tmp_path / "snapshot.duckdb")
    out = tmp_path / "report.html"
    runner = CliRunner()
    args = ["report", str(out), "--db", str(db), "--term", "lung neoplasms", "--check-tags"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    doc = lxml.html.fromstring(out.read_bytes())
    assert doc.xpath("//h1/text()") == [f"PubMed warehouse: {TERM}"]
    assert doc.xpath('//input[@id="include-check-tags"]/@checked') is not None
    specs = json.loads(doc.xpath('//script[@id="chart-specs"]/text()')[0])
    assert specs["top-descriptors"]["params"][0]["value"] is True
    unknown = runner.invoke(app, ["report", str(out), "--db", str(db), "--term", "Lung Neoplasm"])
    assert unknown.exit_code == 2
    assert "no article is indexed with MeSH descriptor 'Lung Neoplasm'" in unknown.output
    assert "closest: Lung Neoplasms" in unknown.output


CLICK_SWITCH_WHEN_DRAWN = """<script>
(function clickWhenDrawn() {
  if (document.body.dataset.drawn) document.getElementById("include-check-tags").click();
  else setTimeout(clickWhenDrawn, 50);
})();
</script></body>"""


def browser_marks(page: Path, profile: Path) -> dict[str, list[dict[str, str]]]:
    """The data marks of each chart as headless Chromium draws the page, by chart name."""
    run = subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    dom = lxml.html.fromstring(run.stdout)
    assert dom.xpath("//body/@data-error") == []
    assert dom.xpath("//body/@data-drawn") == ["true"]
    return {
        figure.get("data-chart"): [
            parse_label(m.get("aria-label"))
            for m in figure.xpath('.//*[@role="graphics-symbol"]')
            if m.get("aria-roledescription") in DATA_MARKS
        ]
        for figure in dom.xpath("//figure[@data-chart]")
    }


def without_positions(marks: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: v for k, v in m.items() if not k.startswith("_")} for m in marks]


@pytest.mark.skipif(
    not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)),
    reason="no runnable /usr/bin/chromium: the charts are checked above without a browser "
    "(vl-convert); this real-browser check runs where Debian's chromium is installed, "
    "as .ci/run does",
)
def test_page_draws_in_headless_chromium(
    term_page: Path, specs: dict[str, dict], tmp_path: Path
) -> None:
    drawn = browser_marks(term_page, tmp_path / "profile")
    assert drawn == {name: without_positions(render(spec)) for name, spec in specs.items()}
    clicked = tmp_path / "clicked.html"
    head, _, tail = term_page.read_text(encoding="utf-8").rpartition("</body>")
    clicked.write_text(head + CLICK_SWITCH_WHEN_DRAWN + tail, encoding="utf-8")
    switched = browser_marks(clicked, tmp_path / "profile")
    for name in ("top-descriptors", "term-descriptors"):
        expected = without_positions(render(switched_on(specs[name])))
        # Vega keeps the marks it had and appends new ones: compare regardless of order
        assert sorted(map(str, switched[name])) == sorted(map(str, expected)), name
        assert sorted(map(str, switched[name])) != sorted(map(str, drawn[name])), name
