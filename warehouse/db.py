"""Opening the warehouse file: schema on first use, DuckDB errors in words a user can act on."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from warehouse.attachment import open_attached
from warehouse.errors import ConfigError, StorageError, WarehouseError, WarehouseLocked
from warehouse.loading import aggregates, vacuum
from warehouse.storage import new_file_config

log = logging.getLogger(__name__)

DISK_FULL = ("no space left", "disk full", "quota exceeded")
READ_ONLY = ("read-only file system", "permission denied", "operation not permitted")
DAMAGED = ("not a valid duckdb database", "could not read enough bytes", "checksum", "corrupt")


def connect(
    path: Path | str, *, read_only: bool = False, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writable connection creates or updates the schema, and adds the
    aggregates' contributions a stopped writer run left pending (`aggregates.settle`).

    `memory_limit` (e.g. `300MB`) caps DuckDB's buffers: a load then spills its staging to disk
    instead of holding a whole file's rows in memory. A new file's storage version is chosen by
    `warehouse.storage.new_file_config`.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseError(
            f"no warehouse at {path}: run `pubmed-warehouse load` first, or pass --db PATH"
        )
    try:
        if read_only:
            con = duckdb.connect(str(path), read_only=True)
        else:  # attached, so that a failed transaction can be dropped (`attachment.reattach`)
            con = open_attached(path, new_file_config(path))
    except duckdb.Error as exc:
        raise storage_error(path, exc) from exc
    if memory_limit is not None:
        try:
            con.execute(f"set memory_limit = '{memory_limit}'")
        except duckdb.Error as exc:
            con.close()
            raise ConfigError(f"memory limit {memory_limit!r} is not usable: {exc}") from exc
    if not read_only:
        vacuum.defer(con)
        try:
            aggregates.create_schema_and_aggregates(con)
            settled = aggregates.settle(con)  # left pending by a writer run that was stopped
        except duckdb.Error as exc:
            con.close()
            raise storage_error(path, exc) from exc
        if settled:
            log.info("%s: added the aggregates of %d articles a stopped run left", path, settled)
    return con


def storage_error(path: Path | str, exc: duckdb.Error) -> WarehouseError:
    """The named error, with what to do, for a DuckDB error met opening, reading or writing."""
    return storage_fault(path, exc) or StorageError(f"cannot use the warehouse {path}: {exc}")


def storage_fault(path: Path | str, exc: duckdb.Error) -> WarehouseError | None:
    """The named error for a DuckDB error caused by the file or its disk; None for any other."""
    detail = str(exc)
    lower = detail.lower()
    if "could not set lock" in lower or "conflicting lock" in lower:
        return WarehouseLocked(
            f"{path} is being written by another process ({detail}); "
            "wait for that load to finish, or read a snapshot"
        )
    if any(s in lower for s in DISK_FULL):
        return StorageError(
            f"the disk holding {path} is full ({detail}); the file being loaded was rolled back "
            "and everything loaded before it is kept: free space and run the load again"
        )
    if any(s in lower for s in READ_ONLY):
        return StorageError(
            f"cannot write {path} or its folder ({detail}); the warehouse folder must be "
            "writable by this user: fix its permissions or pass --db to a writable place"
        )
    if any(s in lower for s in DAMAGED):
        return StorageError(
            f"{path} is damaged or is not a DuckDB warehouse ({detail}); nothing was changed: "
            "restore it from a backup or export, or pass --db to load into a new file"
        )
    if isinstance(exc, duckdb.IOException):
        return StorageError(f"cannot read or write the warehouse {path}: {detail}")
    return None


def database_path(con: duckdb.DuckDBPyConnection) -> str:
    """File behind a connection (for messages); `the warehouse` when it cannot be told."""
    try:
        row = con.execute(
            "select path from duckdb_databases() where database_name = current_database()"
        ).fetchone()
    except duckdb.Error:
        return "the warehouse"
    return row[0] if row and row[0] else "the warehouse"
