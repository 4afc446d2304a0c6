"""PMIDs to fetch: from arguments, PMID lists and the PMIDs of PubMed's CSV and Summary saves.

Only PMIDs are read here (with polars, over the whole file at once); the records themselves come
from E-utilities. An argument made only of digits is a PMID, any other argument a file; a file
is recognised by its content: PubMed's CSV save (`PMID,Title,...` header), the legacy CSV save
(`Title,URL,...,EntrezUID,...`), a Summary (text) save (records ending `PMID: N.`, the number
sometimes wrapped onto the next line) or a PMID list (one PMID per line).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from warehouse.errors import PmidSourceError

PMID_ARGUMENT = re.compile(r"\d+")
CSV_PMID_COLUMNS = {"PMID": "csv", "EntrezUID": "legacy-csv"}
SUMMARY_PMID = re.compile(r"PMID:\s*\d+")
MAX_PMID = 2**63 - 1


def collect_pmids(arguments: Sequence[str]) -> list[int]:
    """PMIDs named by arguments (digits) and by files, each once, in first-seen order."""
    found: list[int] = []
    for argument in arguments:
        path = Path(argument)
        if PMID_ARGUMENT.fullmatch(argument):
            if path.is_file():
                raise PmidSourceError(
                    f"{argument!r} is both a PMID and a file name: write ./{argument} for the file"
                )
            found.extend(_checked(pl.Series("pmid", [argument]), "the arguments"))
        elif path.is_file():
            found.extend(pmids_from_file(path))
        else:
            raise PmidSourceError(f"{argument!r} is neither a PMID (digits) nor a file")
    return list(dict.fromkeys(found))


def pmids_from_file(path: Path) -> list[int]:
    """The PMIDs of a PMID list, a PubMed CSV save or a Summary (text) save, in file order."""
    text = _read_text(path)
    kind = source_kind(text)
    if kind in ("csv", "legacy-csv"):
        column = next(name for name, k in CSV_PMID_COLUMNS.items() if k == kind)
        values = _csv_column(text, column, path)
    elif kind == "summary":
        values = _summary_pmids(text, path)
    else:
        values = _list_lines(text)
    pmids = _checked(values, str(path))
    if not pmids:
        raise PmidSourceError(f"{path}: holds no PMID")
    return pmids


def source_kind(text: str) -> str:
    """csv, legacy-csv, summary or pmid-list, from the file's first line and its content."""
    header = text.split("\n", 1)[0].strip().replace('"', "").split(",")
    if header[0] == "PMID" and len(header) > 1:
        return "csv"
    if "EntrezUID" in header and header[:2] == ["Title", "URL"]:
        return "legacy-csv"
    if SUMMARY_PMID.search(text):
        return "summary"
    return "pmid-list"


def _read_text(path: Path) -> str:
    """The file as text (UTF-8, BOM dropped); other bytes are refused, never replaced."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PmidSourceError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise PmidSourceError(f"{path}: cannot be read ({exc.strerror})") from exc


def _csv_column(text: str, column: str, path: Path) -> pl.Series:
    """One column of a CSV save, as text (the legacy layout ends its rows with an extra field)."""
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode()),
            columns=[column],
            infer_schema=False,
            truncate_ragged_lines=True,
        )
    except pl.exceptions.PolarsError as exc:
        raise PmidSourceError(f"{path}: not a readable CSV save ({exc})") from exc
    return frame.get_column(column).rename("pmid")


def _summary_pmids(text: str, path: Path) -> pl.Series:
    """The PMID that ends each record of a Summary save (records are separated by a blank line)."""
    records = (
        pl.Series("record", [text])
        .str.replace_all("\r\n", "\n", literal=True)
        .str.split("\n\n")
        .explode()
        .str.strip_chars()
    )
    records = records.filter(records != "")
    pmids = records.str.extract_all(r"PMID:\s*\d+").list.last().str.extract(r"(\d+)$")
    if pmids.null_count():
        first = records.filter(pmids.is_null()).head(1).item()
        raise PmidSourceError(f"{path}: a Summary record has no PMID: {first[:80]!r}")
    return pmids.rename("pmid")


def _list_lines(text: str) -> pl.Series:
    """The non-blank lines of a PMID list."""
    lines = pl.Series("pmid", [text]).str.split("\n").explode().str.strip_chars()
    return lines.filter(lines != "")


def _checked(values: pl.Series, where: str) -> list[int]:
    """The values as PMIDs; the first one that is not a positive whole number is an error."""
    values = values.str.strip_chars()
    bad = values.is_null() | ~values.str.contains(r"^\d{1,18}$") | values.str.contains(r"^0+$")
    if bad.any():
        row = int(bad.arg_true()[0])
        raise PmidSourceError(f"{where}: entry {row + 1} is not a PMID: {values[row]!r}")
    return values.cast(pl.Int64).to_list()
