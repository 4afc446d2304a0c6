"""Parallel ingest: files parse in worker processes into staging folders; one writer applies.

The writer (the caller's DuckDB connection) applies staged files strictly in the order given
(`file_order_key` order from `discover`), each in one transaction, so newest-wins and deletions
come out exactly as in a sequential load whatever order the workers finish in. At most a few
files per worker are parsed ahead of the writer, which bounds the staging disk.

Fewer large PubMed XML files than parse processes (a day's update file, a single baseline file)
are each parsed in parts side by side (`warehouse.formats.xml_parts`), joined again before the
writer applies the file whole (`staging.join_parts`).

A parse process starts as a new interpreter (no fork of a process holding DuckDB) that imports
the parser, polars and pyarrow, about half a second. A run starts them first (`parse_pool`), so
that this overlaps the writer taking its lock and opening the warehouse.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb

from warehouse.formats.xml_parts import Part, splittable
from warehouse.inputs import sha256_of
from warehouse.ledger import known_hashes
from warehouse.loading.load import (
    APPLY_CHUNK_ABOVE_MIB,
    APPLY_CHUNK_PMIDS,
    FileResult,
    ProgressCallback,
    apply_staged,
    earlier_result,
    load_file,
)
from warehouse.loading.staging import StagedFile, join_parts, remove_staged, stage_file
from warehouse.schema import table_schemas

AHEAD_PER_WORKER = 2
ISOLATE_BYTES = 8 * 2**20
"""Inputs of at least this many bytes (together) parse in child processes even with one
worker: a parser's batches and the writer's DuckDB buffers then never share one process's
memory. Smaller inputs load in this process, where a child's start-up would cost more."""
SPLIT_BYTES = ISOLATE_BYTES
"""A PubMed XML file of at least this many bytes is parsed in parts when processes are idle."""


class StagingResult(Protocol):
    """A pending parse (a `concurrent.futures.Future`, a Prefect future, ...)."""

    def result(self) -> StagedFile: ...


Submit = Callable[[Path, Path, Part | None], StagingResult]
"""Start parsing file `path` (or one `Part` of it) into staging folder `folder`."""


@dataclass
class _StartedPool:
    pool: ProcessPoolExecutor
    processes: int
    taken: bool = False


_started_pool: ContextVar[_StartedPool | None] = ContextVar("parse_pool", default=None)
"""The parse processes `parse_pool` started for the block it guards."""


@contextmanager
def parse_pool(processes: int) -> Iterator[None]:
    """Start PROCESSES parse processes now; the first `load_files` inside the block parses in
    them (when it needs no more) instead of starting its own, and stops them when it is done.
    Otherwise they are stopped when the block ends, at once if it ends in an error or an
    interrupt. Inside another such block with as many processes, nothing is started."""
    started = _started_pool.get()
    if processes == 0 or (started and not started.taken and started.processes >= processes):
        yield
        return
    pool = _new_pool(processes)
    with _interrupts_held():
        for _ in range(processes):  # a task per process spawns each; it imports the parser
            pool.submit(table_schemas)
    token = _started_pool.set(_StartedPool(pool, processes))
    try:
        with _stopped_on_error(pool):
            yield
    finally:
        _started_pool.reset(token)


def _new_pool(processes: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("spawn")  # no fork of a process holding DuckDB
    return ProcessPoolExecutor(processes, mp_context=context, initializer=_ignore_interrupts)


def _pool_for(processes: int) -> ProcessPoolExecutor:
    """The pool `parse_pool` started, when it has PROCESSES or more and no load took it yet;
    else a new one."""
    started = _started_pool.get()
    if started is None or started.taken or started.processes < processes:
        return _new_pool(processes)
    started.taken = True
    return started.pool


def load_files(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    *,
    workers: int | None = 1,
    batch_size: int = 1000,
    staging_dir: Path | None = None,
    apply_chunk_pmids: int = APPLY_CHUNK_PMIDS,
    apply_chunk_above_mib: float = APPLY_CHUNK_ABOVE_MIB,
    aggregate_batch_pmids: int = 0,
    flow_run_id: str | None = None,
    on_records: ProgressCallback | None = None,
) -> list[FileResult]:
    """Load files in order, parsed in `parse_processes(paths, workers)` child processes."""
    processes = parse_processes(paths, workers)
    parts = parts_per_file(paths, workers)
    if processes == 0:
        return [
            load_file(
                con,
                p,
                batch_size=batch_size,
                apply_chunk_pmids=apply_chunk_pmids,
                apply_chunk_above_mib=apply_chunk_above_mib,
                aggregate_batch_pmids=aggregate_batch_pmids,
                flow_run_id=flow_run_id,
                on_records=on_records,
            )
            for p in paths
        ]
    pool = _pool_for(processes)
    with staging_root(staging_dir) as root, _stopped_on_error(pool):

        def submit(path: Path, folder: Path, part: Part | None) -> StagingResult:
            with _interrupts_held():  # the first submits spawn the processes
                return pool.submit(stage_file, path, folder, batch_size, part)

        return apply_in_order(
            con,
            paths,
            submit,
            root,
            ahead=processes * AHEAD_PER_WORKER,
            parts=parts,
            batch_size=batch_size,
            apply_chunk_pmids=apply_chunk_pmids,
            apply_chunk_above_mib=apply_chunk_above_mib,
            aggregate_batch_pmids=aggregate_batch_pmids,
            flow_run_id=flow_run_id,
            on_records=on_records,
        )


def _ignore_interrupts() -> None:
    """Parse processes leave Ctrl-C to the writer, which stops them (no child tracebacks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold SIGINT back in this thread while it spawns parse processes. A new process starts
    with the signal mask, so a Ctrl-C during its start-up (importing the parser takes about
    half a second, before `_ignore_interrupts` runs) stays pending and is dropped once it
    ignores the signal, rather than breaking its imports with a traceback; this process still
    gets it, at the latest when the block ends."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@contextmanager
def _stopped_on_error(pool: ProcessPoolExecutor) -> Iterator[None]:
    """Shut the pool down; on an error or interrupt stop its processes at once, mid-parse."""
    try:
        yield
    except BaseException:
        for process in list((pool._processes or {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def parse_processes(paths: list[Path], workers: int | None) -> int:
    """How many child processes parse `paths`; 0 loads them in this process.

    `workers` None means one per core. An explicit `workers` > 1 always uses processes; small
    inputs (below `ISOLATE_BYTES`) otherwise load in this process. Never more than the files
    and the parts of them (`parts_per_file`).
    """
    if workers is not None and workers > 1:
        return max(1, min(workers, _pieces(paths, workers)))
    if not paths or sum(_size(p) for p in paths) < ISOLATE_BYTES:
        return 0
    return max(1, min(workers or os.cpu_count() or 1, _pieces(paths, workers)))


def _pieces(paths: list[Path], workers: int | None) -> int:
    """How many files and parts of files `paths` parse in."""
    parts = parts_per_file(paths, workers)
    return sum(len(_parts_of(path, parts)) for path in paths)


def parts_per_file(paths: list[Path], workers: int | None) -> int:
    """How many parts each large PubMed XML file among `paths` is parsed in: the parse
    processes (`workers`, None one per core) over the files, so that fewer files than
    processes still keep every process busy; 1 with as many files as processes."""
    wanted = workers or os.cpu_count() or 1
    return max(1, wanted // max(1, len(paths)))


def _parts_of(path: Path, parts: int) -> list[Part | None]:
    """The parts `path` is parsed in: `parts` of a large PubMed XML file, else the whole."""
    if parts > 1 and _size(path) >= SPLIT_BYTES and splittable(path):
        return [Part(index, parts) for index in range(parts)]
    return [None]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def apply_in_order(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    submit: Submit,
    root: Path,
    *,
    ahead: int,
    parts: int = 1,
    batch_size: int = 1000,
    apply_chunk_pmids: int = APPLY_CHUNK_PMIDS,
    apply_chunk_above_mib: float = APPLY_CHUNK_ABOVE_MIB,
    aggregate_batch_pmids: int = 0,
    flow_run_id: str | None = None,
    on_records: ProgressCallback | None = None,
) -> list[FileResult]:
    """Parse files through `submit`, keeping `ahead` in flight; apply each in the given order.

    A large PubMed XML file is parsed in `parts` (`_parts_of`), joined before it is applied.
    """
    pending: deque[tuple[Path, str, Path, list[StagingResult]]] = deque()
    results: list[FileResult] = []
    todo = iter(enumerate(paths))
    loaded = known_hashes(con)
    while True:
        while len(pending) < ahead and (item := next(todo, None)) is not None:
            index, path = item
            sha256, folder = sha256_of(path), root / f"{index:06d}"
            futures = [] if sha256 in loaded else _submit_parts(submit, path, folder, parts)
            pending.append((path, sha256, folder, futures))
        if not pending:
            return results
        path, sha256, folder, futures = pending.popleft()
        if not futures:
            results.append(earlier_result(con, str(path), sha256))
            continue
        staged = join_parts([future.result() for future in futures], folder, batch_size)
        try:
            results.append(
                apply_staged(
                    con,
                    staged,
                    flow_run_id=flow_run_id,
                    apply_chunk_pmids=apply_chunk_pmids,
                    apply_chunk_above_mib=apply_chunk_above_mib,
                    aggregate_batch_pmids=aggregate_batch_pmids,
                )
            )
        finally:
            remove_staged(staged)
        if on_records:
            on_records(staged.records)


def _submit_parts(submit: Submit, path: Path, folder: Path, parts: int) -> list[StagingResult]:
    """Start parsing `path` whole (into `folder`) or in its parts (into `folder/part-N`)."""
    split = _parts_of(path, parts)
    if split == [None]:
        return [submit(path, folder, None)]
    return [submit(path, folder / f"part-{part.index}", part) for part in split]


@contextmanager
def staging_root(staging_dir: Path | None) -> Iterator[Path]:
    """A fresh folder for one run's staging: inside `staging_dir` if given, else temporary."""
    if staging_dir is not None:
        staging_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="staging-", dir=staging_dir) as folder:
        yield Path(folder)
