"""The shape every format parser produces: row tuples per table, in batches.

A parser appends one tuple per row, with the fields of `PARSED_COLUMNS[table]` in that order.
The normalizer turns a batch into typed polars frames; it derives the article columns that are
not listed here (pub_year, pub_date, language, source columns, loaded_at).
"""

from __future__ import annotations

from dataclasses import dataclass, field

PARSED_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": (
        "pmid",
        "pmid_version",
        "title",
        "vernacular_title",
        "abstract",
        "journal_title",
        "journal_abbrev",
        "journal_iso",
        "nlm_unique_id",
        "issn",
        "issn_linking",
        "volume",
        "issue",
        "pages",
        "pub_date_raw",
        "article_date",
        "languages",
        "doi",
        "pmc_id",
        "status",
        "date_completed",
        "date_revised",
        "coi_statement",
        "is_book",
        "record_hash",
    ),
    "abstract_sections": ("pmid", "position", "label", "nlm_category", "text"),
    "authors": (
        "pmid",
        "position",
        "last_name",
        "fore_name",
        "initials",
        "suffix",
        "collective_name",
        "orcid",
        "equal_contrib",
        "valid",
        "is_investigator",
    ),
    "affiliations": ("pmid", "author_position", "position", "affiliation", "ror", "grid"),
    "terms": (
        "pmid",
        "heading_position",
        "descriptor_ui",
        "descriptor_name",
        "descriptor_major",
        "qualifier_ui",
        "qualifier_name",
        "qualifier_major",
    ),
    "supplementary_concepts": ("pmid", "position", "concept_ui", "name", "type"),
    "substances": ("pmid", "position", "registry_number", "substance_ui", "name"),
    "publication_types": ("pmid", "position", "type_ui", "name"),
    "keywords": ("pmid", "position", "keyword", "owner", "major"),
    "grants": ("pmid", "position", "grant_id", "acronym", "agency", "country"),
    "article_ids": ("pmid", "id_type", "id_value"),
    "references": ("pmid", "position", "citation", "ref_pmid", "ref_doi"),
    "comments_corrections": ("pmid", "position", "ref_type", "ref_pmid", "ref_source"),
    "history_dates": ("pmid", "pub_status", "date"),
}
"""Fields a parser fills, per table. Dates are ISO `YYYY-MM-DD` strings; `languages` a list."""

RECORD_TABLES: tuple[str, ...] = tuple(PARSED_COLUMNS)
CHILD_TABLES: tuple[str, ...] = RECORD_TABLES[1:]

STORED_AS: dict[str, str] = {"abstract_sections": "abstract_section_spans"}
"""Record tables the warehouse keeps in another form, behind a view of their own name: an
abstract section's text is stored once, in `articles.abstract` (`loading/abstract_spans.py`)."""
STORED_RECORD_TABLES: tuple[str, ...] = tuple(STORED_AS.get(t, t) for t in RECORD_TABLES)
"""The tables that hold the record tables' rows, one per record table, in the same order."""


def empty_rows() -> dict[str, list[tuple]]:
    """One empty row list per record table."""
    return {table: [] for table in RECORD_TABLES}


@dataclass(frozen=True)
class Reject:
    """A record that could not be read."""

    position: int | None
    pmid: int | None
    reason: str
    excerpt: str | None


@dataclass
class ParsedBatch:
    """Rows of up to `batch_size` records, plus the deletions and rejects met on the way."""

    rows: dict[str, list[tuple]] = field(default_factory=empty_rows)
    deleted_pmids: list[int] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    records: int = 0
    _pmids: set[int] = field(default_factory=set, repr=False)

    def add_record(self, record_rows: dict[str, list[tuple]]) -> None:
        """Append the rows of one whole record (all or nothing: built aside, then added).

        A PMID met twice in a batch keeps only its later record, as NLM files are read in order.
        """
        pmid = record_rows["articles"][0][0]
        if pmid in self._pmids:
            self.rows = {t: [r for r in rows if r[0] != pmid] for t, rows in self.rows.items()}
        self._pmids.add(pmid)
        for table, rows in record_rows.items():
            if rows:
                self.rows[table].extend(rows)
        self.records += 1

    def reject(self, reject: Reject) -> None:
        self.rejects.append(reject)
        self.records += 1

    def __len__(self) -> int:
        return self.records
