"""Parquet export of every table and view, written aside and swapped in atomically.

`articles` is written hive-partitioned by publication year (`articles/pub_year=2015/*.parquet`,
`pub_year=NULL` for undated records); every other table and view is one `NAME.parquet` file.
A manifest (`destinations.MANIFEST`) lists what the export wrote. The folder must be new, empty
or an earlier export's (`destinations.check_folder`); then the new export replaces it whole.
With `overwrite` into a folder of other files (or the working folder), the export's entries are
moved in one by one beside them, replacing only entries of the same name.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from warehouse.destinations import check_folder, foreign_entries, manifest_entries, write_manifest
from warehouse.schema import literal

PARTITIONS = {"articles": "pub_year"}


def relation_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table and view of the `main` schema, by name."""
    return [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'main' order by table_name"
        ).fetchall()
    ]


def write_relation(con: duckdb.DuckDBPyConnection, name: str, folder: Path) -> None:
    """Write one table or view under FOLDER, partitioned when PARTITIONS names it."""
    partition = PARTITIONS.get(name)
    target = folder / name if partition else folder / f"{name}.parquet"
    options = f"format parquet, partition_by ({partition})" if partition else "format parquet"
    con.execute(f'copy (select * from "{name}") to {literal(target)} ({options})')


def swap_in(staging: Path, directory: Path) -> None:
    """Move STAGING to DIRECTORY, keeping the old export until the new one is in place."""
    retired = directory.with_name(f".{directory.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    if directory.exists():
        os.replace(directory, retired)
    os.replace(staging, directory)
    shutil.rmtree(retired, ignore_errors=True)


def move_in_beside(staging: Path, directory: Path) -> None:
    """Move STAGING's entries into DIRECTORY; drop only entries an earlier export listed."""
    earlier = manifest_entries(directory) or set()
    directory.mkdir(parents=True, exist_ok=True)
    written = {entry.name for entry in staging.iterdir()}
    for name in sorted(written) + sorted(earlier - written):
        _remove(directory / name)
        if name in written:
            os.replace(staging / name, directory / name)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def holds_working_folder(directory: Path) -> bool:
    """True when DIRECTORY is the working folder or one of its parents (never renamed away)."""
    return directory == Path.cwd() or directory in Path.cwd().parents


def export_parquet(
    con: duckdb.DuckDBPyConnection, directory: Path, overwrite: bool = False
) -> list[str]:
    """Write each table and view under DIRECTORY; returns the names written.

    Raises `DestinationInUse` when DIRECTORY holds other files and `overwrite` is not set.
    """
    directory = Path(directory).resolve()
    check_folder(directory, overwrite)
    staging = directory.with_name(f".{directory.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    names = relation_names(con)
    try:
        for name in names:
            write_relation(con, name, staging)
        write_manifest(staging, [entry.name for entry in staging.iterdir()])
        if foreign_entries(directory) or holds_working_folder(directory):
            move_in_beside(staging, directory)
        else:
            swap_in(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return names
