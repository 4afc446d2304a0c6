"""Opening the warehouse file: schema on first use, one writer at a time, clear lock errors."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.errors import ConfigError, WarehouseError, WarehouseLocked
from warehouse.schema import create_schema


def connect(
    path: Path | str, *, read_only: bool = False, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writable connection creates or updates the schema.

    `memory_limit` (e.g. `300MB`) caps DuckDB's buffers: a load then spills its staging to disk
    instead of holding a whole file's rows in memory.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseError(
            f"no warehouse at {path}: run `pubmed-warehouse load` first, or pass --db PATH"
        )
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseLocked(
                f"{path} is being written by another process ({exc}); "
                "wait for that load to finish, or read a snapshot"
            ) from exc
        raise WarehouseError(f"cannot open {path}: {exc}") from exc
    except duckdb.Error as exc:
        raise WarehouseError(f"{path} is not a usable DuckDB warehouse: {exc}") from exc
    if memory_limit is not None:
        try:
            con.execute(f"set memory_limit = '{memory_limit}'")
        except duckdb.Error as exc:
            con.close()
            raise ConfigError(f"memory limit {memory_limit!r} is not usable: {exc}") from exc
    if not read_only:
        create_schema(con)
    return con
