"""Read-only connections for the read commands: the warehouse, or its snapshot during a load.

DuckDB lets no other process open a file while a load writes it; reads then fall back to the
readers' snapshot published at the end of the last load, and say so with the snapshot's age.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from warehouse.db import connect
from warehouse.errors import WarehouseError, WarehouseLocked
from warehouse.loading.aggregates import pending_note
from warehouse.runs.lock import holder_pid


def age(path: Path) -> str:
    """How long ago a file was last written, in words (`3 min ago`)."""
    seconds = max(time.time() - path.stat().st_mtime, 0)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit} ago"
    return f"{seconds:.0f} s ago"


def open_for_reading(
    db: Path, snapshot: Path, use_snapshot: bool = False
) -> tuple[duckdb.DuckDBPyConnection, Path, str | None]:
    """A read-only connection, the file it reads and a note to show when it is the snapshot,
    or when the warehouse's aggregates lack pending adds or changes (a writer run was stopped
    before adding them: the next writer does)."""
    if use_snapshot:
        if not snapshot.exists():
            raise WarehouseError(
                f"no snapshot at {snapshot}: a load publishes it at its end; "
                "run `pubmed-warehouse load`, or drop --snapshot"
            )
        return connect(snapshot, read_only=True), snapshot, None
    try:
        con = connect(db, read_only=True)
    except WarehouseLocked:
        if not snapshot.exists():
            raise
    else:
        return con, db, pending_note(con)
    pid = holder_pid(db)
    holder = f"a load (process {pid})" if pid else "a load"
    note = (
        f"{db} is being written by {holder}: reading the snapshot {snapshot}, "
        f"published {age(snapshot)}"
    )
    return connect(snapshot, read_only=True), snapshot, note
