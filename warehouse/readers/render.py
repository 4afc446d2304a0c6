"""Writing query results: table (horizontal or vertical), csv, json, markdown and parquet.

Every writer reads the result's Arrow batches one at a time, so memory does not grow with the
number of rows; a row cap keeps the first rows and only counts the others. In text layouts
NULL shows as `NULL` and numbers are right-aligned.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.readers.query import StatementResult

FORMATS = ("table", "csv", "json", "jsonl", "markdown", "parquet")
ESCAPES = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def capped(batches: Iterable[pa.RecordBatch], limit: int | None) -> Iterator[pa.RecordBatch]:
    """The first LIMIT rows of a batch stream (all of them when LIMIT is None)."""
    left = limit
    for batch in batches:
        if left is None:
            yield batch
            continue
        if left <= 0:
            return
        yield batch.slice(0, left)
        left -= min(left, batch.num_rows)


def split_at(batches: Iterator[pa.RecordBatch], limit: int) -> tuple[list[pa.RecordBatch], int]:
    """The batches holding the first LIMIT rows, and how many rows the whole stream has."""
    kept, total = [], 0
    for batch in batches:
        if total < limit:
            kept.append(batch.slice(0, limit - total))
        total += batch.num_rows
    return kept, total


def is_numeric(field: pa.Field) -> bool:
    """Numbers are right-aligned."""
    kind = field.type
    return pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)


def cell(value: object) -> str:
    """How one value shows in a text layout: NULL for missing, control characters visible."""
    if value is None:
        return "NULL"
    return str(value).translate(ESCAPES)


def text_rows(batches: Iterable[pa.RecordBatch]) -> Iterator[list[str]]:
    """Rows of display strings, converted a batch (one Arrow column) at a time."""
    for batch in batches:
        columns = [[cell(v) for v in column.to_pylist()] for column in batch.columns]
        yield from (list(row) for row in zip(*columns, strict=True))


def table_width(names: list[str], rows: list[list[str]]) -> list[int]:
    """Width of each column: its longest value or its name."""
    return [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]


def write_horizontal(
    schema: pa.Schema, rows: Iterable[list[str]], widths: list[int], out: TextIO
) -> None:
    """One line per row, columns separated by │, numbers right-aligned."""
    right = [is_numeric(field) for field in schema]

    def line(values: list[str]) -> str:
        padded = (
            v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right, strict=True)
        )
        return " " + " │ ".join(padded).rstrip()

    out.write(line(list(schema.names)) + "\n")
    out.write("─" + "─┼─".join("─" * w for w in widths) + "\n")
    for row in rows:
        out.write(line(row) + "\n")


def write_vertical(schema: pa.Schema, rows: Iterable[list[str]], width: int, out: TextIO) -> None:
    """One block per row, one `column │ value` line per column (long values wrap)."""
    names = list(schema.names)
    label = max(len(n) for n in names)
    room = max(width - label - 3, 20)
    for number, row in enumerate(rows, start=1):
        out.write(f"─[ row {number} ]".ljust(width, "─") + "\n")
        for name, value in zip(names, row, strict=True):
            pieces = [value[i : i + room] for i in range(0, len(value), room)] or [""]
            out.write(f"{name.ljust(label)} │ {pieces[0]}\n")
            for piece in pieces[1:]:
                out.write(f"{' ' * label} │ {piece}\n")


def write_table(
    result: StatementResult, out: TextIO, limit: int | None, width: int
) -> tuple[int, int]:
    """The table layout; vertical when the shown rows are wider than WIDTH. Returns shown, total."""
    batches = iter(result.batches)
    if limit is None:
        first = next(batches, None)
        head = list(text_rows([first] if first is not None else []))
        rest = text_rows(batches)
        total = None
    else:
        kept, total = split_at(batches, limit)
        head, rest = list(text_rows(kept)), iter(())
    names = list(result.schema.names)
    widths = table_width(names, head)
    rows = chain(head, rest)
    if sum(widths) + 3 * len(widths) > width:
        shown = _count(rows, lambda r: write_vertical(result.schema, r, width, out))
    else:
        shown = _count(rows, lambda r: write_horizontal(result.schema, r, widths, out))
    return shown, shown if total is None else total


def _count(rows: Iterator[list[str]], write) -> int:
    """Rows written by WRITE."""
    counted = [0]

    def counting() -> Iterator[list[str]]:
        for row in rows:
            counted[0] += 1
            yield row

    write(counting())
    return counted[0]


def write_markdown(result: StatementResult, out: TextIO, limit: int | None) -> tuple[int, int]:
    """A GitHub-flavoured Markdown table (numbers right-aligned). Returns shown, total."""
    batches = iter(result.batches)
    if limit is None:
        kept, total = batches, None
    else:
        kept, total = split_at(batches, limit)
    align = ["---:" if is_numeric(f) else "---" for f in result.schema]
    out.write("| " + " | ".join(_md(n) for n in result.schema.names) + " |\n")
    out.write("| " + " | ".join(align) + " |\n")
    shown = 0
    for row in text_rows(kept):
        out.write("| " + " | ".join(_md(v) for v in row) + " |\n")
        shown += 1
    return shown, shown if total is None else total


def _md(value: str) -> str:
    return value.replace("|", "\\|")


def write_csv(result: StatementResult, out: TextIO, limit: int | None) -> int:
    """CSV with a header row; NULL is an empty field. Returns the rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.schema.names)
    rows = 0
    for batch in capped(result.batches, limit):
        writer.writerows(zip(*(c.to_pylist() for c in batch.columns), strict=True))
        rows += batch.num_rows
    return rows


def write_json(result: StatementResult, out: TextIO, limit: int | None) -> int:
    """A JSON array of objects, one per row (dates and decimals as strings). Returns rows."""
    rows = 0
    out.write("[")
    for batch in capped(result.batches, limit):
        for record in batch.to_pylist():
            out.write(("," if rows else "") + "\n  ")
            out.write(json.dumps(record, default=str, ensure_ascii=False))
            rows += 1
    out.write("\n]\n" if rows else "]\n")
    return rows


def write_json_lines(result: StatementResult, out: TextIO, limit: int | None) -> int:
    """One JSON object per row and line (JSON lines), as `write_json` renders it. Returns rows."""
    rows = 0
    for batch in capped(result.batches, limit):
        for record in batch.to_pylist():
            out.write(json.dumps(record, default=str, ensure_ascii=False) + "\n")
            rows += 1
    return rows


def write_parquet(result: StatementResult, path: Path, limit: int | None) -> int:
    """A Parquet file, one row group per batch. Returns the rows written."""
    rows = 0
    with pq.ParquetWriter(path, result.schema) as writer:
        for batch in capped(result.batches, limit):
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows
