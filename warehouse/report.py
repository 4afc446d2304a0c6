"""A self-contained HTML report: the data as JSON, drawn into SVG by a script inside the page.

The page loads nothing from the network: its styles and the chart code (`report_page.html`) are
inline, so it works offline and can be mailed as one file. Queries live in `sql/report/`.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from importlib.resources import files

import duckdb

from warehouse.errors import UnknownDescriptor
from warehouse.schema import read_sql

TOP = 15
CO_OCCURRING = 12


def run_report_query(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> list[dict]:
    """Rows of `sql/report/NAME.sql` as dicts; PARAMS fill its `$name` placeholders."""
    result = con.execute(read_sql(f"report/{name}.sql"), params)
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def check_descriptor(con: duckdb.DuckDBPyConnection, term: str) -> None:
    """Raise UnknownDescriptor, naming the closest descriptors, when no article has TERM."""
    found = con.execute("select 1 from terms where descriptor_name = $term limit 1", {"term": term})
    if found.fetchone() is None:
        similar = [
            r["descriptor_name"] for r in run_report_query(con, "similar_descriptors", term=term)
        ]
        hint = f"; closest: {', '.join(similar)}" if similar else ""
        raise UnknownDescriptor(f"no article is indexed with MeSH descriptor {term!r}{hint}")


def report_data(con: duckdb.DuckDBPyConnection, term: str | None = None) -> dict:
    """Everything the page draws, as plain JSON-ready values."""
    data: dict = {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "article_count": con.execute("select count(*) from articles").fetchone()[0],
        "articles_per_year": run_report_query(con, "articles_per_year"),
        "top_descriptors": run_report_query(con, "top_descriptors", limit=TOP),
        "top_substances": run_report_query(con, "top_substances", limit=TOP),
        "term": None,
    }
    if term is not None:
        check_descriptor(con, term)
        data["term"] = {
            "name": term,
            "articles_per_year": run_report_query(con, "term_articles_per_year", term=term),
            "descriptors_by_year": run_report_query(
                con, "term_descriptors_by_year", term=term, limit=CO_OCCURRING
            ),
            "substances_by_year": run_report_query(
                con, "term_substances_by_year", term=term, limit=CO_OCCURRING
            ),
        }
    return data


def render_report(con: duckdb.DuckDBPyConnection, term: str | None = None) -> str:
    """The report page as one HTML string."""
    data = report_data(con, term)
    page = (files("warehouse") / "report_page.html").read_text(encoding="utf-8")
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    title = f"PubMed warehouse: {term}" if term else "PubMed warehouse"
    return page.replace("{{TITLE}}", html.escape(title)).replace("{{DATA}}", payload)
