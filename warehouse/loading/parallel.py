"""Parallel ingest: files parse in worker processes into staging folders; one writer applies.

The writer (the caller's DuckDB connection) applies staged files strictly in the order given
(`file_order_key` order from `discover`), each in one transaction, so newest-wins and deletions
come out exactly as in a sequential load whatever order the workers finish in. At most a few
files per worker are parsed ahead of the writer, which bounds the staging disk.
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
from pathlib import Path
from typing import Protocol

import duckdb

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
from warehouse.loading.staging import StagedFile, remove_staged, stage_file

AHEAD_PER_WORKER = 2
ISOLATE_BYTES = 8 * 2**20
"""Inputs of at least this many bytes (together) parse in child processes even with one
worker: a parser's batches and the writer's DuckDB buffers then never share one process's
memory. Smaller inputs load in this process, where a child's start-up would cost more."""


class StagingResult(Protocol):
    """A pending parse (a `concurrent.futures.Future`, a Prefect future, ...)."""

    def result(self) -> StagedFile: ...


Submit = Callable[[Path, Path], StagingResult]
"""Start parsing file `path` into staging folder `folder`."""


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
    context = multiprocessing.get_context("spawn")  # no fork of a process holding DuckDB
    pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_ignore_interrupts)
    with staging_root(staging_dir) as root, _stopped_on_error(pool):

        def submit(path: Path, folder: Path) -> StagingResult:
            return pool.submit(stage_file, path, folder, batch_size)

        return apply_in_order(
            con,
            paths,
            submit,
            root,
            ahead=processes * AHEAD_PER_WORKER,
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
    inputs (below `ISOLATE_BYTES`) otherwise load in this process. Never more than the files.
    """
    if workers is not None and workers > 1:
        return max(1, min(workers, len(paths)))
    if not paths or sum(_size(p) for p in paths) < ISOLATE_BYTES:
        return 0
    return max(1, min(workers or os.cpu_count() or 1, len(paths)))


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
    apply_chunk_pmids: int = APPLY_CHUNK_PMIDS,
    apply_chunk_above_mib: float = APPLY_CHUNK_ABOVE_MIB,
    aggregate_batch_pmids: int = 0,
    flow_run_id: str | None = None,
    on_records: ProgressCallback | None = None,
) -> list[FileResult]:
    """Parse files through `submit`, keeping `ahead` in flight; apply each in the given order."""
    pending: deque[tuple[Path, str, StagingResult | None]] = deque()
    results: list[FileResult] = []
    todo = iter(enumerate(paths))
    loaded = known_hashes(con)
    while True:
        while len(pending) < ahead and (item := next(todo, None)) is not None:
            index, path = item
            sha256 = sha256_of(path)
            skip = sha256 in loaded
            pending.append((path, sha256, None if skip else submit(path, root / f"{index:06d}")))
        if not pending:
            return results
        path, sha256, future = pending.popleft()
        if future is None:
            results.append(earlier_result(con, str(path), sha256))
            continue
        staged = future.result()
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


@contextmanager
def staging_root(staging_dir: Path | None) -> Iterator[Path]:
    """A fresh folder for one run's staging: inside `staging_dir` if given, else temporary."""
    if staging_dir is not None:
        staging_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="staging-", dir=staging_dir) as folder:
        yield Path(folder)
