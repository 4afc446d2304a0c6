"""The HTML report for bibliometrics: what it shows, gathered from `sql/report/` queries.

`report_data` runs the queries into polars frames; `render_report` turns them into one HTML page
(`warehouse/report/page.py`) whose charts are Vega-Lite specs (`warehouse/report/charts.py`).
Check tags are flagged rather than removed, so the page can show or hide them. The MeSH tree
section needs a loaded MeSH descriptor file; the citation section reads the citation views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from warehouse.countries import country_names
from warehouse.errors import UnknownDescriptor
from warehouse.report.charts import CO_OCCURRING, TOP
from warehouse.report.page import render_page
from warehouse.schema import read_sql

GENERATOR_MARK = b'<meta name="generator" content="pubmed-warehouse report">'
"""In every page's head (report_page.html): a file holding it is an earlier report."""
TERM_ARTICLES = 500
SUGGESTIONS = 5
SUBTREES = 15
MOST_CITED = 15


def is_report(path: Path) -> bool:
    """True when PATH is a page an earlier `report` wrote (its head names the generator)."""
    try:
        with path.open("rb") as page:
            return GENERATOR_MARK in page.read(2048)
    except OSError:
        return False


@dataclass(frozen=True)
class TermSection:
    """What the report shows about one MeSH descriptor (`--term`)."""

    name: str
    article_count: int
    trend: pl.DataFrame
    articles: pl.DataFrame
    descriptors_by_year: pl.DataFrame
    substances_by_year: pl.DataFrame


@dataclass(frozen=True)
class MeshSection:
    """Articles under the MeSH tree: the tree tops, or the places of the `--term` descriptor."""

    mesh_year: int | None
    focus: str | None
    term_outside_vocabulary: str | None
    nodes_by_year: pl.DataFrame
    largest_subtrees: pl.DataFrame


@dataclass(frozen=True)
class CitationSection:
    """Citations between articles of the warehouse, and the reach of retracted articles."""

    most_cited: pl.DataFrame
    per_year: pl.DataFrame
    retracted: pl.DataFrame


@dataclass(frozen=True)
class ReportData:
    """Everything the report page shows, as frames and plain values."""

    generated_at: datetime
    as_of: dict
    ledger: pl.DataFrame
    articles_per_year: pl.DataFrame
    top_descriptors: pl.DataFrame
    top_substances: pl.DataFrame
    top_journals: pl.DataFrame
    top_authors: pl.DataFrame
    top_countries: pl.DataFrame
    include_check_tags: bool
    term: TermSection | None
    mesh: MeshSection | None
    citations: CitationSection


def run_report_query(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pl.DataFrame:
    """Rows of `sql/report/NAME.sql` as a frame; PARAMS fill its `$name` placeholders.

    A result the connection's last `execute` left partly fetched (a `fetchone`) is completed
    first: DuckDB refuses a relation on a connection that still has one."""
    con.complete()
    result = con.sql(read_sql(f"report/{name}.sql"), params=params).to_arrow_table()
    return pl.from_arrow(result)


def create_lookups(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temporary tables the report queries join: `check_tags`, `country_names`."""
    con.execute(read_sql("report/check_tags.sql"))
    con.register("country_names_frame", country_names().to_arrow())
    con.execute("create or replace temp table country_names as select * from country_names_frame")
    con.unregister("country_names_frame")


def resolve_descriptor(con: duckdb.DuckDBPyConnection, term: str) -> str:
    """The indexed descriptor named TERM ignoring case; UnknownDescriptor names the closest."""
    found = run_report_query(con, "resolve_descriptor", term=term)
    if found.height:
        return found.item(0, "descriptor_name")
    similar = run_report_query(con, "similar_descriptors", term=term, limit=SUGGESTIONS)
    names = similar.get_column("descriptor_name").to_list()
    hint = f"; closest: {', '.join(names)}" if names else ""
    raise UnknownDescriptor(f"no article is indexed with MeSH descriptor {term!r}{hint}")


def term_section(con: duckdb.DuckDBPyConnection, term: str) -> TermSection:
    """The descriptor TERM (any case): its trend, articles and co-occurring terms."""
    name = resolve_descriptor(con, term)
    trend = run_report_query(con, "term_trend", term=name)
    [(article_count,)] = con.execute(
        "select count(*) from article_descriptors where descriptor_name = $term", {"term": name}
    ).fetchall()
    return TermSection(
        name=name,
        article_count=article_count,
        trend=trend,
        articles=run_report_query(con, "term_articles", term=name, limit=TERM_ARTICLES),
        descriptors_by_year=run_report_query(
            con, "term_descriptors_by_year", term=name, limit=CO_OCCURRING
        ),
        substances_by_year=run_report_query(
            con, "term_substances_by_year", term=name, limit=CO_OCCURRING
        ),
    )


def mesh_section(con: duckdb.DuckDBPyConnection, term: str | None) -> MeshSection | None:
    """The MeSH tree section, focused on the descriptor TERM when the loaded MeSH holds it;
    None when no MeSH descriptor file is loaded."""
    vocabulary = run_report_query(con, "mesh_vocabulary")
    if not vocabulary.height:
        return None
    found = run_report_query(con, "term_descriptor_ui", term=term) if term else None
    descriptor_ui = found.item(0, "descriptor_ui") if found is not None and found.height else None
    focus = run_report_query(con, "mesh_focus_nodes", descriptor_ui=descriptor_ui)
    nodes = focus.get_column("tree_number").to_list()
    return MeshSection(
        mesh_year=vocabulary.item(0, "mesh_year"),
        focus=term if descriptor_ui else None,
        term_outside_vocabulary=term if term and not descriptor_ui else None,
        nodes_by_year=run_report_query(
            con, "mesh_focus_by_year", nodes=nodes, descriptor_ui=descriptor_ui
        ),
        largest_subtrees=run_report_query(
            con, "mesh_largest_subtrees", nodes=nodes, limit=SUBTREES
        ),
    )


def citation_section(con: duckdb.DuckDBPyConnection) -> CitationSection:
    """Most-cited articles, citations per citing year and retracted articles' citations."""
    return CitationSection(
        most_cited=run_report_query(con, "most_cited", limit=MOST_CITED),
        per_year=run_report_query(con, "citations_per_year"),
        retracted=run_report_query(con, "retracted_reach"),
    )


def report_data(
    con: duckdb.DuckDBPyConnection, term: str | None = None, include_check_tags: bool = False
) -> ReportData:
    """Run every report query; TERM adds its section, INCLUDE_CHECK_TAGS the switch's start."""
    create_lookups(con)
    section = term_section(con, term) if term is not None else None
    return ReportData(
        generated_at=datetime.now(UTC),
        as_of=run_report_query(con, "data_as_of").row(0, named=True),
        ledger=run_report_query(con, "ledger_summary"),
        articles_per_year=run_report_query(con, "articles_per_year"),
        top_descriptors=run_report_query(con, "top_descriptors", limit=TOP),
        top_substances=run_report_query(con, "top_substances", limit=TOP),
        top_journals=run_report_query(con, "top_journals", limit=TOP),
        top_authors=run_report_query(con, "top_authors", limit=TOP),
        top_countries=run_report_query(con, "top_countries", limit=TOP),
        include_check_tags=include_check_tags,
        term=section,
        mesh=mesh_section(con, section.name if section else None),
        citations=citation_section(con),
    )


def render_report(
    con: duckdb.DuckDBPyConnection, term: str | None = None, include_check_tags: bool = False
) -> str:
    """The report page as one self-contained HTML string."""
    return render_page(report_data(con, term, include_check_tags))
