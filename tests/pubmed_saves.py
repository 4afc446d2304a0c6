"""PubMed's CSV and Summary (text) layouts, written from real MEDLINE records for the tests.

No corpus PMID is in both a MEDLINE/XML file and a CSV or Summary save, so the cross-format
tests write the saves PubMed would give for the corpus MEDLINE records, in the layout of the
real saves under `exports/` (quoted CSV with CRLF rows and an LF after the header; Summary
records wrapped at 80 columns, CRLF, a blank line between records, no final newline). The
values come straight from the MEDLINE tag lines, never from the warehouse's own parser.
"""

from __future__ import annotations

import csv
import io
import re
import textwrap
from pathlib import Path

CSV_HEADER = (
    "PMID,Title,Authors,Citation,First Author,Journal/Book,Publication Year,Create Date,"
    "PMCID,NIHMS ID,DOI"
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
Record = list[tuple[str, str]]


def medline_records(paths: list[Path]) -> list[Record]:
    """(tag, value) pairs of every record, continuation lines joined."""
    records: list[Record] = []
    for path in paths:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        for block in re.split(r"\n[ \t]*\n", text):
            fields: Record = []
            for line in block.split("\n"):
                match = re.match(r"^([A-Z][A-Z0-9]{0,3}) *- ?(.*)$", line)
                if match:
                    fields.append((match.group(1), match.group(2).strip()))
                elif fields and line.strip():
                    fields[-1] = (fields[-1][0], f"{fields[-1][1]} {line.strip()}")
            if any(tag == "PMID" for tag, _ in fields):
                records.append(fields)
    return records


def _first(record: Record, tag: str) -> str:
    return next((value for t, value in record if t == tag), "")


def _doi(record: Record) -> str:
    for tag in ("AID", "LID"):
        for t, value in record:
            if t == tag and value.endswith("[doi]"):
                return value.removesuffix("[doi]").strip()
    return ""


def authors(record: Record) -> str:
    """`Last FM, Last FM; Collective Name.` in the record's order (investigators left out)."""
    text = ""
    previous = ""
    for tag, value in record:
        if tag in ("AU", "CN"):
            separator = "; " if "CN" in (tag, previous) else ", "
            text += (separator if text else "") + value
            previous = tag
    return text + "." if text else ""


def citation(record: Record) -> str:
    """`TA. DP;VI(IP):PG. doi: X. Epub 2007 Sep 20.` as PubMed prints it."""
    volume, issue, pages = _first(record, "VI"), _first(record, "IP"), _first(record, "PG")
    text = f"{_first(record, 'TA')}. {_first(record, 'DP')}"
    text += f";{volume}" if volume else ""
    text += f"({issue})" if issue else ""
    text += f":{pages}" if pages else ""
    text += "."
    if _doi(record):
        text += f" doi: {_doi(record)}."
    epub = re.match(r"^(\d{4})(\d{2})(\d{2})$", _first(record, "DEP"))
    if epub:
        text += f" Epub {epub[1]} {MONTHS[int(epub[2]) - 1]} {int(epub[3])}."
    return text


def csv_save(records: list[Record]) -> bytes:
    """The CSV save of these records."""
    rows = io.StringIO()
    writer = csv.writer(rows, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for record in records:
        writer.writerow(
            [
                _first(record, "PMID"),
                _first(record, "TI").removesuffix("."),
                authors(record),
                citation(record),
                _first(record, "AU"),
                _first(record, "TA"),
                _first(record, "DP")[:4],
                _first(record, "CRDT")[:10],
                _first(record, "PMC"),
                _first(record, "MID"),
                _doi(record),
            ]
        )
    return (CSV_HEADER + "\n" + rows.getvalue()).encode()


def summary_save(records: list[Record]) -> bytes:
    """The Summary (text) save of these records."""
    blocks = []
    for number, record in enumerate(records, 1):
        parts = [authors(record), _first(record, "TI"), citation(record)]
        text = f"{number}: " + " ".join(p for p in parts if p)
        text += f" PMID: {_first(record, 'PMID')}"
        text += f"; PMCID: {_first(record, 'PMC')}." if _first(record, "PMC") else "."
        blocks.append("\r\n".join(textwrap.wrap(text, 80)))
    return "\r\n\r\n".join(blocks).encode()
