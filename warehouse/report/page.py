"""The report's HTML: tables written here, charts drawn in the page by Vega-Lite.

The page loads nothing from the network: Vega, Vega-Lite and vega-embed come inlined from
vl-convert's JavaScript bundle (the same engine the tests render with), the chart specs with
their data are embedded as JSON, and the tables are plain HTML. Numbers carry thousands
separators; years do not.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING
from urllib.parse import quote

import polars as pl
import vl_convert

from warehouse.report import charts
from warehouse.report.charts import CO_OCCURRING, MESH_NODES, TOP

if TYPE_CHECKING:
    from warehouse.report.sections import CitationSection, MeshSection, ReportData, TermSection

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{}/"
DOI_URL = "https://doi.org/{}"
ORCID_URL = "https://orcid.org/{}"
NO_MESH = (
    "No MeSH descriptor vocabulary is loaded, so articles cannot be placed in the MeSH tree: "
    "load NLM's descriptor file, e.g. <code>pubmed-warehouse load desc2026.xml.gz</code>, or "
    "sync it with <code>pubmed-warehouse sync --mesh URL</code>."
)
NO_CITATIONS = "No article in the warehouse cites another article in it."
NO_RETRACTIONS = "No retracted article is in the warehouse."
LEDGER_COLUMNS = {
    "format": "format",
    "status": "status",
    "file_count": "files",
    "records": "records",
    "inserted": "inserted",
    "replaced": "replaced",
    "unchanged": "unchanged",
    "skipped": "skipped",
    "deleted": "deleted",
    "rejected": "rejected",
    "last_finished_at": "last loaded (UTC)",
}


class ChartBundleError(RuntimeError):
    """vl-convert's JavaScript bundle cannot be inlined into a page as it is."""


@cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script (from vl-convert, no network)."""
    bundle = vl_convert.javascript_bundle()
    if "</script" in bundle.lower():
        raise ChartBundleError("the Vega bundle contains '</script' and cannot be inlined")
    return bundle


def count(value: int | None) -> str:
    """An integer with thousands separators; NULL as an empty string."""
    return "" if value is None else f"{value:,}"


def when(value: datetime | None) -> str:
    """A timestamp to the minute; NULL as 'never'."""
    return "never" if value is None else value.strftime("%Y-%m-%d %H:%M")


def link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(text)}</a>'


def table(headers: list[str], rows: list[list[str]], numeric: set[int], caption: str) -> str:
    """An HTML table of already-escaped cells; NUMERIC columns are right-aligned."""
    head = "".join(
        f"<th{' class=num' if i in numeric else ''}>{html.escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return (
        f"<table><caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def ledger_cell(value: object) -> str:
    """One ledger value as escaped HTML: counts separated, timestamps to the minute."""
    if isinstance(value, int):
        return count(value)
    if isinstance(value, datetime) or value is None:
        return when(value)
    return html.escape(str(value))


def ledger_table(ledger: pl.DataFrame) -> str:
    """The file ledger summed per format and status."""
    rows = [[ledger_cell(r[c]) for c in LEDGER_COLUMNS] for r in ledger.iter_rows(named=True)]
    numeric = set(range(2, len(LEDGER_COLUMNS) - 1))
    return table(list(LEDGER_COLUMNS.values()), rows, numeric, "Files loaded (the file ledger)")


def years(first: int | None, last: int | None) -> str:
    if first is None:
        return ""
    return str(first) if first == last else f"{first}–{last}"


def authors_table(authors: pl.DataFrame) -> str:
    """Top authors, keyed by ORCID where present (linked), else by name and initials."""
    rows = [
        [
            html.escape(r["author_name"] or ""),
            link(ORCID_URL.format(r["orcid"]), r["orcid"]) if r["orcid"] else "",
            count(r["article_count"]),
            count(r["first_author_count"]),
            count(r["last_author_count"]),
            years(r["first_year"], r["last_year"]),
        ]
        for r in authors.iter_rows(named=True)
    ]
    headers = ["author", "ORCID", "articles", "as first author", "as last author", "years"]
    caption = "Top authors (one row per ORCID, else per last name and initials: namesakes merge)"
    return table(headers, rows, {2, 3, 4}, caption)


def article_links(pmid: int, doi: str | None) -> tuple[str, str]:
    """PubMed and DOI links of an article; a surrogate (negative) PMID has no PubMed page."""
    pubmed = link(PUBMED_URL.format(pmid), str(pmid)) if pmid > 0 else "no PMID"
    return pubmed, link(DOI_URL.format(quote(doi, safe="/")), doi) if doi else ""


def term_articles_table(section: TermSection) -> str:
    """The term's articles, newest first, with PubMed and DOI links."""
    rows = [
        [
            "" if r["pub_year"] is None else str(r["pub_year"]),
            html.escape(r["title"] or ""),
            html.escape(r["first_author"] or ""),
            html.escape(r["journal"] or ""),
            *article_links(r["pmid"], r["doi"]),
            "yes" if r["is_major"] else "",
        ]
        for r in section.articles.iter_rows(named=True)
    ]
    shown = section.articles.height
    caption = f"Articles indexed with {section.name}, newest first"
    if shown < section.article_count:
        caption += f" (showing {shown:,} of {section.article_count:,})"
    headers = ["year", "title", "first author", "journal", "PubMed", "DOI", "major topic"]
    return table(headers, rows, set(), caption)


def lead(data: ReportData) -> str:
    """The line under the title: how much data and how current it is."""
    as_of = data.as_of
    loaded = as_of["last_loaded_at"]
    parts = [
        f"{count(as_of['article_count'])} articles from {count(as_of['file_count'])} files",
        f"data as of {when(loaded)} UTC (last load)" if loaded else "nothing loaded yet",
    ]
    if as_of["newest_nlm_file"]:
        parts.append(f"newest NLM file {as_of['newest_nlm_file'].rsplit('/', 1)[-1]}")
    if as_of["last_revised"]:
        parts.append(f"records revised up to {as_of['last_revised']:%Y-%m-%d}")
    parts.append(f"report generated {when(data.generated_at)} UTC")
    return html.escape(" · ".join(parts))


def figure(name: str) -> str:
    return f'<figure data-chart="{name}"></figure>'


def chart_specs(data: ReportData) -> dict[str, dict]:
    """Every chart of the page by name, as Vega-Lite specs with their data inline."""
    check_tags = data.include_check_tags
    specs = {
        "articles-per-year": charts.articles_per_year(data.articles_per_year),
        "top-descriptors": charts.top_descriptors(data.top_descriptors, TOP, check_tags),
        "top-substances": charts.top_list(
            data.top_substances, "substance_name", "Top substances", TOP
        ),
        "top-journals": charts.top_journals(data.top_journals, TOP),
        "top-countries": charts.top_list(
            data.top_countries, "country", "Top countries of affiliation", TOP
        ),
    }
    if data.mesh is not None and data.mesh.nodes_by_year.height:
        specs["mesh-tree"] = charts.mesh_tree(
            data.mesh.nodes_by_year, mesh_chart_title(data.mesh), MESH_NODES
        )
    if data.citations.per_year.height:
        specs["citations-per-year"] = charts.citations_per_year(data.citations.per_year)
    if data.term is not None:
        term = data.term
        specs["term-trend"] = charts.term_trend(term.trend, term.name)
        specs["term-descriptors"] = charts.term_descriptors(
            term.descriptors_by_year, term.name, CO_OCCURRING, check_tags
        )
        specs["term-substances"] = charts.term_substances(
            term.substances_by_year, term.name, CO_OCCURRING
        )
    return specs


def term_html(section: TermSection | None) -> str:
    """The term's part of the page (empty without --term)."""
    if section is None:
        return ""
    return (
        f'<section class="term" id="term"><h2>{html.escape(section.name)}: '
        f"{section.article_count:,} articles</h2>"
        + "".join(figure(n) for n in ("term-trend", "term-descriptors", "term-substances"))
        + term_articles_table(section)
        + "</section>"
    )


def mesh_chart_title(section: MeshSection) -> str:
    if section.focus:
        return f"Articles per year under {section.focus} and each of its MeSH tree nodes"
    return "Articles per year under the tops of the MeSH trees (each article once per node)"


def subtrees_table(section: MeshSection) -> str:
    """The largest subtrees one level below the charted nodes."""
    rows = [
        [
            html.escape(r["tree_number"]),
            html.escape(r["descriptor_name"] or "(not in the loaded MeSH file)"),
            count(r["article_count"]),
            count(r["major_article_count"]),
            years(r["first_year"], r["last_year"]),
        ]
        for r in section.largest_subtrees.iter_rows(named=True)
    ]
    below = f"{section.focus}'s tree nodes" if section.focus else "the tops of the MeSH trees"
    if not rows:
        none = f"No article is indexed one level below {below}."
        return f'<p class="none" id="no-subtrees">{html.escape(none)}</p>'
    caption = f"Largest MeSH subtrees one level below {below} (each article once per subtree)"
    headers = ["tree number", "descriptor", "articles", "as major topic", "years"]
    return table(headers, rows, {2, 3}, caption)


def mesh_html(section: MeshSection | None) -> str:
    """The MeSH tree part of the page, or how to load a MeSH vocabulary."""
    if section is None:
        return f'<section id="mesh"><h2>MeSH tree</h2><p class="none">{NO_MESH}</p></section>'
    heading = f"MeSH tree: {section.focus}" if section.focus else "MeSH tree"
    year = f" (MeSH {section.mesh_year})" if section.mesh_year else ""
    parts = [f'<section id="mesh"><h2>{html.escape(heading + year)}</h2>']
    if section.term_outside_vocabulary:
        missing = f"{section.term_outside_vocabulary} is not in the loaded MeSH descriptors"
        parts.append(f'<p class="none">{html.escape(missing)}: showing the tops of the trees.</p>')
    if section.nodes_by_year.height:
        parts.append(figure("mesh-tree"))
    else:
        parts.append('<p class="none">No dated article is indexed under the MeSH tree.</p>')
    return "".join([*parts, subtrees_table(section), "</section>"])


def most_cited_table(most_cited: pl.DataFrame) -> str:
    """The articles cited most within the warehouse, with PubMed and DOI links."""
    rows = [
        [
            *article_links(r["pmid"], r["doi"]),
            "" if r["pub_year"] is None else str(r["pub_year"]),
            html.escape(r["title"] or ""),
            html.escape(r["journal"] or ""),
            count(r["times_cited"]),
            years(r["first_cited_year"], r["last_cited_year"]),
        ]
        for r in most_cited.iter_rows(named=True)
    ]
    headers = ["PubMed", "DOI", "year", "title", "journal", "cited by", "cited in"]
    return table(headers, rows, {5}, "Most-cited articles (cited by articles in the warehouse)")


def retraction_date(row: dict) -> str:
    if row["retracted_on"] is not None:
        return f"{row['retracted_on']:%Y-%m-%d}"
    return "" if row["retraction_year"] is None else str(row["retraction_year"])


def retracted_table(retracted: pl.DataFrame) -> str:
    """Retracted articles with the articles citing them, after the retraction or not."""
    rows = [
        [
            article_links(r["pmid"], None)[0],
            "" if r["pub_year"] is None else str(r["pub_year"]),
            html.escape(r["title"] or ""),
            article_links(r["notice_pmid"], None)[0] if r["notice_pmid"] else "",
            retraction_date(r),
            count(r["citing_articles"]),
            count(r["citing_after_retraction"]),
            count(r["citing_undated"]),
        ]
        for r in retracted.iter_rows(named=True)
    ]
    headers = [
        *("PubMed", "year", "title", "retraction notice", "retracted"),
        *("cited by", "cited after retraction", "cited, date unclear"),
    ]
    caption = "Retracted articles and the articles in the warehouse citing them"
    return table(headers, rows, {5, 6, 7}, caption)


def citations_html(section: CitationSection) -> str:
    """The citation part of the page: most cited, citations per year, retractions."""
    parts = ['<section id="citations"><h2>Citations within the warehouse</h2>']
    if section.per_year.height:
        parts.append(figure("citations-per-year"))
    if section.most_cited.height:
        parts.append(most_cited_table(section.most_cited))
    else:
        parts.append(f'<p class="none" id="no-citations">{NO_CITATIONS}</p>')
    if section.retracted.height:
        parts.append(retracted_table(section.retracted))
    else:
        parts.append(f'<p class="none" id="no-retractions">{NO_RETRACTIONS}</p>')
    return "".join([*parts, "</section>"])


def render_page(data: ReportData) -> str:
    """The whole page: template, tables, chart specs and the inlined Vega bundle."""
    term = data.term.name if data.term else None
    title = f"PubMed warehouse: {term}" if term else "PubMed warehouse"
    specs = json.dumps(chart_specs(data), ensure_ascii=False).replace("</", "<\\/")
    fields = {
        "TITLE": html.escape(title),
        "LEAD": lead(data),
        "CHECKED": "checked" if data.include_check_tags else "",
        "LEDGER": ledger_table(data.ledger),
        "AUTHORS": authors_table(data.top_authors),
        "MESH": mesh_html(data.mesh),
        "CITATIONS": citations_html(data.citations),
        "TERM": term_html(data.term),
        "SPECS": specs,
        "VEGA": vega_bundle(),
    }
    template = (files("warehouse") / "report" / "page.html").read_text(encoding="utf-8")
    return re.sub(r"\{\{([A-Z]+)\}\}", lambda m: fields[m.group(1)], template)
