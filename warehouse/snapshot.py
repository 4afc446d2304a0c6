"""Read-only snapshot of the warehouse for BI readers, published atomically after each load.

DuckDB lets one process hold a writable file and no other process open it meanwhile, so BI
tools read a copy: the writer checkpoints (the file then holds every committed row and the WAL
is empty), copies the file aside, syncs it and renames it over the snapshot with `os.replace`.
Readers that have the old snapshot open keep reading it; new connections see the new one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from warehouse.errors import ConfigError


def default_snapshot_path(db: Path | str) -> Path:
    """`NAME.snapshot.duckdb` beside the warehouse file `NAME.duckdb`."""
    db = Path(db)
    return db.with_name(f"{db.stem}.snapshot{db.suffix or '.duckdb'}")


def database_file(con: duckdb.DuckDBPyConnection) -> Path:
    """Path of the file behind a connection's default database."""
    row = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return Path(row[0])


def publish_snapshot(con: duckdb.DuckDBPyConnection, target: Path | str) -> Path:
    """Checkpoint the warehouse and publish a copy of its file at TARGET, atomically."""
    target = Path(target)
    con.execute("checkpoint")
    source = database_file(con)
    if source.resolve() == target.resolve():
        raise ConfigError(f"the snapshot path {target} is the warehouse itself")
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(source, partial)
    with partial.open("rb") as copied:
        os.fsync(copied.fileno())
    os.replace(partial, target)
    return target
