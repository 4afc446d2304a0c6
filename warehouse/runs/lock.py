"""One writer at a time: an advisory `flock` on `<db>.lock`, held for a whole load.

DuckDB refuses a second process that opens a file another process writes; this lock makes a
second writer wait (up to a timeout) and then fail with a message naming the holder, instead of
failing half-way through its run. Readers never take it. The lock is re-entrant within a process,
so the CLI can take it before starting a flow that takes it again. When the run leaves no
DuckDB file behind (`--db notes.md`, a warehouse that could not be created), the lock file is
removed while still held, so no stray `.lock` stays beside a file that is not a warehouse.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.errors import StorageError, WarehouseLocked

POLL_SECONDS = 0.1
_held: dict[Path, int] = {}
"""Lock files this process holds, with how many nested holders."""


def lock_path(db: Path | str) -> Path:
    """The lock file beside a warehouse file: `pubmed.duckdb` -> `pubmed.duckdb.lock`."""
    db = Path(db)
    return db.with_name(db.name + ".lock")


@contextmanager
def writer_lock(db: Path | str, timeout_seconds: float = 0.0) -> Iterator[None]:
    """Hold the warehouse's writer lock; wait up to `timeout_seconds`, then `WarehouseLocked`."""
    path = lock_path(db).resolve()
    if path in _held:
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    fd = _locked_file(path, time.monotonic() + max(timeout_seconds, 0.0), timeout_seconds)
    try:
        _held[path] = 1
        try:
            _write_holder(fd)
            yield
        finally:
            del _held[path]
            os.ftruncate(fd, 0)
            if not is_warehouse_file(Path(db)):  # no warehouse came of it: leave nothing behind
                path.unlink(missing_ok=True)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


DUCKDB_MAGIC = b"DUCK"
"""Bytes 8 to 12 of every DuckDB database file."""


def is_warehouse_file(db: Path) -> bool:
    """True when DB is a DuckDB database file (a `--db notes.md` is not)."""
    try:
        with db.open("rb") as head:
            return head.read(12)[8:12] == DUCKDB_MAGIC
    except OSError:
        return False


def _locked_file(path: Path, deadline: float, timeout_seconds: float) -> int:
    """Open and lock PATH; again when its holder removed it meanwhile (the lock is the file
    at PATH, not an unlinked one)."""
    while True:
        fd = _open_lock_file(path)
        try:
            _acquire(fd, path, max(deadline - time.monotonic(), 0.0), timeout_seconds)
            if _is_current(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _is_current(fd: int, path: Path) -> bool:
    """True when FD is still the file at PATH (not one a previous holder removed)."""
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _open_lock_file(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StorageError(
            f"cannot create the lock file {path} ({exc.strerror}): the warehouse folder must be "
            "writable by this user; fix its permissions or pass --db to a writable place"
        ) from exc


def _acquire(fd: int, path: Path, wait_seconds: float, timeout_seconds: float) -> None:
    """Take the lock, polling for WAIT_SECONDS (TIMEOUT_SECONDS is the one the user set)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise WarehouseLocked(_locked_message(path, timeout_seconds)) from None
            time.sleep(POLL_SECONDS)


def _write_holder(fd: int) -> None:
    """Write this process's id into the lock file (best effort: a full disk may refuse it)."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except OSError:
        return


def holder_pid(db: Path | str) -> int | None:
    """Process id written by the current lock holder, None when unknown."""
    try:
        text = lock_path(db).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def _locked_message(path: Path, timeout_seconds: float) -> str:
    pid = holder_pid(path.with_suffix(""))
    holder = f"process {pid}" if pid else "another process"
    waited = f" after waiting {timeout_seconds:g} s" if timeout_seconds > 0 else ""
    return (
        f"the warehouse {path.with_suffix('')} is being written by {holder}{waited} "
        f"(lock {path}); wait for that load to finish, or raise "
        "PUBMED_WAREHOUSE_LOCK_TIMEOUT_SECONDS to wait longer"
    )
