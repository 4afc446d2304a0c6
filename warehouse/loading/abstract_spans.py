"""An abstract's text stored once: `articles.abstract` holds it, and each section of
`abstract_sections` (a view) finds its text there by a span kept in `abstract_section_spans`.

`sql/load/abstract_spans.sql` computes a section's span from the way the abstract joins its
sections, and keeps the section's own text only where that span does not give it exactly, so
the view returns what the parser produced, character for character.
"""

from __future__ import annotations

import duckdb

from warehouse.schema import main_tables, read_sql
from warehouse.transaction import transaction


def abstract_spans(sections: str, articles: str) -> str:
    """SQL of the `abstract_section_spans` rows of SECTIONS (`pmid, position, label,
    nlm_category, text`), read against the abstracts of ARTICLES (`pmid, abstract`)."""
    return read_sql("load/abstract_spans.sql").format(sections=sections, articles=articles)


def stage_spans(con: duckdb.DuckDBPyConnection) -> None:
    """The staged abstract sections as rows of `abstract_section_spans` (a temp table, made
    once: the loader reads it twice)."""
    con.execute(
        "create or replace temp table stage_abstract_section_spans as "
        + abstract_spans("stage_abstract_sections", "stage_articles")
    )


def store_sections_once(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse whose `abstract_sections` is still a table of whole texts gets them as spans
    (one transaction; the view is created with the rest of the schema)."""
    if "abstract_sections" not in main_tables(con):
        return
    with transaction(con):
        con.execute(read_sql("tables/abstract_section_spans.sql"))
        con.execute(
            "insert into abstract_section_spans by name "
            + abstract_spans("abstract_sections", "articles")
        )
        con.execute("drop table abstract_sections")
