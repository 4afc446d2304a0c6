"""Load a MeSH vocabulary file: its kind's `mesh_*` tables replaced whole, in one transaction.

Batches from `warehouse.formats.mesh` become polars frames in the tables' own column types and
go to temporary staging tables through Arrow; once the whole file has been read, the kind's
tables are emptied and refilled and `mesh_vocabularies` names the year and file. The caller owns
the transaction (and writes the `ingested_files` row in it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from warehouse.errors import OlderVocabulary, UnsupportedFormat, WarehouseError
from warehouse.formats.mesh import KIND_TABLES, MeshBatch, declared_year, parse
from warehouse.formats.registry import detect_format
from warehouse.inputs import open_input, read_head, sha256_of
from warehouse.schema import table_schemas

YEAR_TABLES = {"mesh_descriptors", "mesh_qualifiers", "mesh_supplementary_records"}
"""Tables whose last column, `mesh_year`, the loader fills (the parser does not know it)."""
KEYS = {
    "descriptors": ("mesh_descriptors", "descriptor_ui"),
    "qualifiers": ("mesh_qualifiers", "qualifier_ui"),
    "supplementary": ("mesh_supplementary_records", "record_ui"),
}


NAME_PREFIXES = {"descriptors": "desc", "qualifiers": "qual", "supplementary": "supp"}


@dataclass(frozen=True)
class VocabularyLoad:
    """What loading a MeSH file did to its kind: the year and records before and after."""

    kind: str
    year: int | None
    records: int
    year_guessed: bool  # neither the file name nor its DOCTYPE states the year
    replaced_year: int | None = None
    replaced_records: int | None = None

    def describe(self) -> str:
        """One line: `descriptors 2016 (43 records) replaced by 2025 (7)`, and a guessed year."""
        year = "of no stated year" if self.year is None else str(self.year)
        if self.replaced_records is None:
            said = f"{self.kind} {year} ({self.records} records) loaded"
        else:
            before = "of no stated year" if self.replaced_year is None else self.replaced_year
            said = (
                f"{self.kind} {before} ({self.replaced_records} records) replaced by "
                f"{year} ({self.records})"
            )
        if self.year_guessed:
            prefix = NAME_PREFIXES[self.kind]
            said += (
                "; the year is in neither the file name nor its DOCTYPE: "
                + ("taken as the year after its newest record date" if self.year else "unknown")
                + f", name the file {prefix}YYYY.xml to state it"
            )
        return said


def superseded_vocabularies(files: Iterable[Path]) -> dict[Path, str]:
    """MeSH files among FILES that a later stated year of the same kind among them supersedes.

    Returns each with the reason it is skipped; a file whose year is not stated is kept (its
    load says which year it was taken as).
    """
    stated: dict[Path, tuple[str, int]] = {}
    for path in files:
        try:
            head = read_head(path)
            fmt = detect_format(head)
        except (WarehouseError, OSError):
            continue  # the load rejects it with its reason
        year = declared_year(head, path.name) if fmt.startswith("mesh-") else None
        if year is not None:
            stated[path] = (fmt.removeprefix("mesh-"), year)
    newest: dict[str, int] = {}
    for kind, year in stated.values():
        newest[kind] = max(newest.get(kind, year), year)
    return {
        path: f"{kind} {year} skipped: this run loads {kind} {newest[kind]}"
        for path, (kind, year) in stated.items()
        if year < newest[kind]
    }


def load_vocabulary(
    con: duckdb.DuckDBPyConnection, path: Path, kind: str, started: datetime, batch_size: int
) -> VocabularyLoad:
    """Stage and apply a MeSH file of `kind` inside the open transaction; says what it replaced.

    Raises `OlderVocabulary` when the warehouse holds a later year of the kind, and
    `UnsupportedFormat` when a record lacks its identifier or repeats one.
    """
    _create_staging(kind, con)
    records, newest = _stage_batches(con, parse_file(path, kind, batch_size))
    stated = declared_year(read_head(path), path.name)
    year = stated or (newest + 1 if newest else None)
    _refuse_older(con, kind, year)
    _refuse_bad_keys(con, kind)
    before = con.execute(
        "select mesh_year, records from mesh_vocabularies where kind = ?", [kind]
    ).fetchone()
    _replace(con, kind, year)
    con.execute(
        "insert or replace into mesh_vocabularies values (?, ?, ?, ?, ?, ?)",
        [kind, year, str(path), sha256_of(path), records, started],
    )
    _drop_staging(kind, con)
    replaced_year, replaced_records = before if before else (None, None)
    return VocabularyLoad(kind, year, records, stated is None, replaced_year, replaced_records)


def parse_file(path: Path, kind: str, batch_size: int) -> Iterable[MeshBatch]:
    """Parsed batches of a MeSH file, read lazily while the loader stages them."""
    with open_input(path) as stream:
        yield from parse(stream, kind, batch_size)


def batch_frames(batch: MeshBatch) -> dict[str, pl.DataFrame]:
    """One frame per table of a batch, in the table's column types (dates parsed strictly)."""
    schemas = table_schemas()
    frames = {}
    for table, rows in batch.rows.items():
        schema = dict(schemas[table])
        if table in YEAR_TABLES:
            schema.pop("mesh_year")
        as_text = {name: _parsed_type(dtype) for name, dtype in schema.items()}
        frame = pl.DataFrame(rows, schema=as_text, orient="row")
        try:
            frames[table] = frame.with_columns(
                pl.col(name).str.to_date("%Y-%m-%d")
                for name, dtype in schema.items()
                if dtype == pl.Date
            ).cast(schema)
        except pl.exceptions.PolarsError as exc:
            raise UnsupportedFormat(f"MeSH {table}: a date is not a calendar date ({exc})") from exc
    return frames


def _parsed_type(dtype: pl.DataType) -> pl.DataType:
    """The type the parser gives a column in: dates arrive as ISO text."""
    return pl.String if dtype == pl.Date else dtype


def _stage_batches(
    con: duckdb.DuckDBPyConnection, batches: Iterable[MeshBatch]
) -> tuple[int, int | None]:
    """Insert every batch into the staging tables; returns (records, newest record year)."""
    records, newest = 0, None
    for batch in batches:
        for table, frame in batch_frames(batch).items():
            if frame.height:
                con.register("incoming", frame.to_arrow())
                con.execute(f"insert into stage_{table} by name select * from incoming")
                con.unregister("incoming")
        records += batch.records
        if batch.newest_year:
            newest = max(newest or 0, batch.newest_year)
    return records, newest


def _refuse_older(con: duckdb.DuckDBPyConnection, kind: str, year: int | None) -> None:
    loaded = con.execute(
        "select mesh_year from mesh_vocabularies where kind = ?", [kind]
    ).fetchone()
    if loaded and loaded[0] is not None and year is not None and year < loaded[0]:
        raise OlderVocabulary(
            f"MeSH {kind} {year} is older than the loaded MeSH {kind} {loaded[0]}; "
            "a vocabulary year is only replaced by the same or a later one"
        )


def _refuse_bad_keys(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    """A record without its UI, or a UI twice, makes the file unusable as a vocabulary."""
    table, key = KEYS[kind]
    missing, repeated = con.execute(
        f"select count(*) filter (where {key} is null), count({key}) - count(distinct {key}) "
        f"from stage_{table}"
    ).fetchone()
    if missing or repeated:
        raise UnsupportedFormat(
            f"MeSH {kind} file with {missing} record(s) without a UI and {repeated} repeated "
            "UI(s): not a usable vocabulary file"
        )


def _replace(con: duckdb.DuckDBPyConnection, kind: str, year: int | None) -> None:
    """Empty the kind's tables and fill them from staging (`mesh_year` set on record tables)."""
    for table in KIND_TABLES[kind]:
        if table == "mesh_pharmacological_actions":
            con.execute(f"delete from {table} where record_kind = ?", [kind])
        else:
            con.execute(f"delete from {table}")
        extra = ", ? as mesh_year" if table in YEAR_TABLES else ""
        params = [year] if extra else []
        con.execute(f"insert into {table} by name select *{extra} from stage_{table}", params)


def _create_staging(kind: str, con: duckdb.DuckDBPyConnection) -> None:
    for table in KIND_TABLES[kind]:
        con.execute(f"create or replace temp table stage_{table} as from {table} limit 0")
        if table in YEAR_TABLES:
            con.execute(f"alter table stage_{table} drop column mesh_year")


def _drop_staging(kind: str, con: duckdb.DuckDBPyConnection) -> None:
    for table in KIND_TABLES[kind]:
        con.execute(f"drop table if exists stage_{table}")
