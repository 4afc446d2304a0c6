"""Parquet export of every table and view, written aside and swapped in atomically."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb


def export_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> list[str]:
    """Write each table and view to DIRECTORY/NAME.parquet; returns the names written."""
    directory = Path(directory)
    staging = directory.with_name(f".{directory.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    names = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'main' order by table_name"
        ).fetchall()
    ]
    for name in names:
        target = str(staging / f"{name}.parquet").replace("'", "''")
        con.execute(f"copy (select * from \"{name}\") to '{target}' (format parquet)")
    if directory.exists():
        shutil.rmtree(directory)
    staging.rename(directory)
    return names
