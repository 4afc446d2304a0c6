"""The readers' copy: a read-only copy of the warehouse for BI tools, published after each load.

DuckDB lets one process hold a writable file and no other process open it meanwhile, so BI
tools read a copy. Two copies are kept beside the published name, blue and green; the name is a
hard link to one of them. A publish brings the other (idle) one up to date by replaying what
changed since it was last published (`warehouse.readers.catchup`), then links it under the published
name with `os.replace`: a reader never sees a half-written file, and connections already open
keep the copy they opened, which the next publish leaves alone.

When the idle copy is still held open by a reader (DuckDB's file lock), the published file is
first copied over it (a new file: the reader keeps the old one). When there is no copy of ours
yet, or it cannot follow (another MeSH vocabulary or citation snapshot, see
`warehouse.readers.catchup`), it is rebuilt from the warehouse.

The copies are written in DuckDB storage version `READERS_STORAGE_VERSION`, so DuckDB clients
from 1.3 on open them as well as 2.x; a copy in an older storage version is rebuilt once.

Where the file system clones files by sharing their blocks (`warehouse.storage`) and the
warehouse itself is in that storage version (it is created so there), the idle copy is instead
a clone of the checkpointed warehouse, made anew at each publish: nothing is replayed, and the
two copies take only the blocks the warehouse has rewritten since they were cloned.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.errors import AggregatesPending, ConfigError, HalfAppliedFile
from warehouse.ledger import half_applied_files, half_applied_message
from warehouse.loading.aggregates import pending_note
from warehouse.loading.memory import table_rows, within_memory
from warehouse.loading.vacuum import vacuum_when_due
from warehouse.readers.catchup import (
    COPY,
    REPLAY_CHUNK_PMIDS,
    CatchUp,
    CopyOutOfStep,
    catch_up,
    copy_rows,
    recreate_views,
    storage_version_of,
    table_columns,
    warehouse_name,
)
from warehouse.schema import literal, quoted
from warehouse.storage import READERS_STORAGE_VERSION, clone_file

log = logging.getLogger(__name__)

COLOURS = ("blue", "green")
REBUILD_WRITERS = 2
"""Tables a copy written whole fills at once, on cursors of the writer's connection: for the
3M-record warehouse 80 s against 92 one after the other, for 30,000 records 0.85 s against
1.16 (the same CPU time: DuckDB's own threads leave gaps between and inside statements)."""


@dataclass
class Publication:
    """How a publish went: `cloned` (the warehouse cloned, see `warehouse.storage`), `caught-up`
    (replayed what changed), `copied` (the idle copy was held by a reader: the published file
    was copied first) or `rebuilt` (from the warehouse)."""

    path: Path
    method: str
    seconds: float
    replayed: CatchUp


def default_snapshot_path(db: Path | str) -> Path:
    """`NAME.snapshot.duckdb` beside the warehouse file `NAME.duckdb`."""
    db = Path(db)
    return db.with_name(f"{db.stem}.snapshot{db.suffix or '.duckdb'}")


def colour_path(target: Path, colour: str) -> Path:
    """The hidden blue or green copy behind the published name TARGET."""
    return target.with_name(f".{target.name}.{colour}")


def database_file(con: duckdb.DuckDBPyConnection) -> Path:
    """Path of the file behind a connection's default database."""
    row = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return Path(row[0])


def publish_snapshot(con: duckdb.DuckDBPyConnection, target: Path | str) -> Path:
    """Publish the readers' copy of the warehouse at TARGET; returns TARGET."""
    return publish_readers_copy(con, target).path


def publish_readers_copy(
    con: duckdb.DuckDBPyConnection, target: Path | str, *, chunk_pmids: int = REPLAY_CHUNK_PMIDS
) -> Publication:
    """Bring the idle copy up to date with the warehouse and publish it at TARGET, atomically.

    A catch-up removes the copy's records of at most `chunk_pmids` PMIDs per transaction (the
    writer passes its `apply_chunk_pmids`: the copy's blocks a removal pins are bounded as the
    warehouse's are).

    A warehouse holding a file half applied (`applying`: its `changes` logged, some of its rows
    not moved) is not published: `HalfAppliedFile` is raised, and the copy stays as it was; nor
    one whose aggregates lack pending adds or changes (`AggregatesPending`: a writer settles
    them first, `warehouse.loading.aggregates.settle`).
    """
    started = time.perf_counter()
    target = Path(target)
    if database_file(con).resolve() == target.resolve():
        raise ConfigError(f"the snapshot path {target} is the warehouse itself")
    if half_applied := half_applied_files(con):
        raise HalfAppliedFile(half_applied_message(half_applied))
    if pending := pending_note(con):
        raise AggregatesPending(pending)
    idle, active = idle_and_active(target)
    method, replayed = within_memory(
        con, lambda: _update_idle(con, idle, active, target, chunk_pmids), f"readers' copy {target}"
    )
    _link_as(idle, target)
    published = Publication(target, method, time.perf_counter() - started, replayed)
    log.info(
        "published the readers' copy %s (%s, %d PMIDs replayed) in %.2f s",
        target,
        method,
        replayed.pmids,
        published.seconds,
    )
    return published


def idle_and_active(target: Path) -> tuple[Path, Path | None]:
    """The copy to bring up to date, and the one published now (None when neither is)."""
    published = _inode(target)
    for colour, other in (COLOURS, COLOURS[::-1]):
        if published is not None and _inode(colour_path(target, colour)) == published:
            return colour_path(target, other), colour_path(target, colour)
    return colour_path(target, COLOURS[0]), None


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def _update_idle(
    con: duckdb.DuckDBPyConnection, idle: Path, active: Path | None, target: Path, chunk_pmids: int
) -> tuple[str, CatchUp]:
    """Bring the idle copy up to date; returns how (see `Publication.method`) and what moved."""
    if _clone_warehouse(con, idle):
        return "cloned", CatchUp()
    method = "caught-up"
    if active is None:
        return "rebuilt", rebuild(con, idle)
    if not idle.exists() or not _attach(con, idle):
        _copy_file(target, idle)
        method = "copied"
        if not _attach(con, idle):
            raise ConfigError(f"cannot open the readers' copy {idle} that was just written")
    try:
        with vacuum_when_due(con, COPY) as compacting:  # the copy's checkpoints compact it
            replayed = catch_up(con, READERS_STORAGE_VERSION, chunk_pmids)
            replayed.compacted = compacting
            _detach(con)
    except CopyOutOfStep as exc:
        _abandon(con)
        log.info("readers' copy rebuilt: %s", exc)
        return "rebuilt", rebuild(con, idle)
    except BaseException:
        _abandon(con)
        raise
    return method, replayed


def _clone_warehouse(con: duckdb.DuckDBPyConnection, idle: Path) -> bool:
    """Make IDLE a clone of the checkpointed warehouse, when its storage version is the readers'
    and the file system clones (False otherwise: nothing was written). A reader holding the old
    IDLE keeps it: the clone is a new file moved over the name."""
    if storage_version_of(con, warehouse_name(con)) != f"{READERS_STORAGE_VERSION}+":
        return False
    con.execute("checkpoint")
    partial = idle.with_name(f"{idle.name}.partial")
    if not clone_file(database_file(con), partial):
        return False
    # a WAL left by an abandoned catch-up belongs to the old file, not to the clone
    idle.with_name(f"{idle.name}.wal").unlink(missing_ok=True)
    os.replace(partial, idle)
    return True


def _attach(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Attach PATH as the copy; False when a reader holds it open (DuckDB's file lock)."""
    try:
        con.execute(f"attach {literal(path)} as {COPY}")
    except duckdb.Error as exc:  # held open by a reader, or damaged: written anew
        log.info("readers' copy %s cannot be updated in place: %s", path, exc)
        return False
    return True


def _detach(con: duckdb.DuckDBPyConnection) -> None:
    """Checkpoint and detach the copy: its file then holds everything, with no WAL beside it."""
    con.execute(f"checkpoint {COPY}")
    con.execute(f"detach {COPY}")


def _abandon(con: duckdb.DuckDBPyConnection) -> None:
    """Detach the copy after a failure; what it committed stays in its WAL for the next publish."""
    try:
        con.execute(f"detach {COPY}")
    except duckdb.Error as exc:
        log.warning("readers' copy not detached cleanly: %s", exc)


def rebuild(con: duckdb.DuckDBPyConnection, idle: Path) -> CatchUp:
    """Write a new copy of the whole warehouse and move it to IDLE (a reader keeps the old)."""
    partial = idle.with_name(f"{idle.name}.partial")
    for leftover in (partial, partial.with_name(f"{partial.name}.wal")):
        leftover.unlink(missing_ok=True)
    con.execute(
        f"attach {literal(partial)} as {COPY} (storage_version '{READERS_STORAGE_VERSION}')"
    )
    warehouse = warehouse_name(con)
    try:
        con.execute(f"copy from database {quoted(warehouse)} to {COPY} (schema)")
        _fill_side_by_side(con, warehouse, list(table_columns(con)))
        recreate_views(con)
    except BaseException:
        con.execute(f"detach {COPY}")
        partial.unlink(missing_ok=True)
        raise
    _detach(con)
    _fsync(partial)
    os.replace(partial, idle)
    return CatchUp()


def _fill_side_by_side(con: duckdb.DuckDBPyConnection, warehouse: str, tables: list[str]) -> None:
    """Copy every row of TABLES from the warehouse into the new copy's, each table in its own
    transaction (the memory of one table at a time per writer), `REBUILD_WRITERS` tables at
    once on cursors of the connection, the largest first. A failure or an interrupt stops the
    other writers' statements at once (`interrupt`) and is raised."""
    rows = table_rows(con)
    queue = iter(sorted(tables, key=lambda table: -rows.get(table, 0)))
    taken, stopped = threading.Lock(), threading.Event()
    cursors = [con.cursor() for _ in range(min(REBUILD_WRITERS, len(tables)))]

    def fill(cursor: duckdb.DuckDBPyConnection) -> None:
        while not stopped.is_set():
            with taken:
                table = next(queue, None)
            if table is None:
                return
            copy_rows(cursor, warehouse, table)

    try:
        with ThreadPoolExecutor(len(cursors), thread_name_prefix="copy-writer") as writers:
            running = [writers.submit(fill, cursor) for cursor in cursors]
            try:
                for writer in running:
                    writer.result()
            except BaseException:
                stopped.set()
                for cursor in cursors:
                    cursor.interrupt()
                raise
    finally:
        for cursor in cursors:
            cursor.close()


def _copy_file(source: Path, destination: Path) -> None:
    """Copy SOURCE to a new file at DESTINATION (synced; an open reader keeps the old file)."""
    partial = destination.with_name(f"{destination.name}.partial")
    shutil.copyfile(source, partial)
    _fsync(partial)
    os.replace(partial, destination)


def _link_as(copy: Path, target: Path) -> None:
    """Publish COPY under the name TARGET by an atomic rename of a fresh hard link."""
    _fsync(copy)
    link = target.with_name(f".{target.name}.link")
    link.unlink(missing_ok=True)
    os.link(copy, link)
    os.replace(link, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _fsync(path: Path) -> None:
    with path.open("rb") as synced:
        os.fsync(synced.fileno())
