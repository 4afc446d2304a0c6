"""Parquet export of every table and view, written aside and swapped in atomically.

`articles` is written hive-partitioned by publication year (`articles/pub_year=2015/*.parquet`,
`pub_year=NULL` for undated records); every other table and view is one `NAME.parquet` file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

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
    quoted_target = str(target).replace("'", "''")
    options = f"format parquet, partition_by ({partition})" if partition else "format parquet"
    con.execute(f"copy (select * from \"{name}\") to '{quoted_target}' ({options})")


def swap_in(staging: Path, directory: Path) -> None:
    """Move STAGING to DIRECTORY, keeping the old export until the new one is in place."""
    retired = directory.with_name(f".{directory.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    if directory.exists():
        os.replace(directory, retired)
    os.replace(staging, directory)
    shutil.rmtree(retired, ignore_errors=True)


def export_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> list[str]:
    """Write each table and view under DIRECTORY; returns the names written."""
    directory = Path(directory)
    staging = directory.with_name(f".{directory.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    names = relation_names(con)
    try:
        for name in names:
            write_relation(con, name, staging)
        swap_in(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return names
