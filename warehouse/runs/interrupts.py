"""Ctrl-C and SIGTERM during a load: stop at once, keep what was committed, say what is left.

Each file is one transaction, so an interrupted load leaves the warehouse after some whole
number of files; rerunning the same command loads the rest.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from warehouse.db import connect
from warehouse.ledger import files_started_since, tally_inputs

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; `signum` says which (exit code 128 + signum)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_received: list[int] = []
"""Signals received while `stop_on_signals` is active (the first one counts)."""


def received_signal() -> int | None:
    """The signal that interrupted this process's load, if one did."""
    return _received[0] if _received else None


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise `Interrupted` in the main thread, once; later ones are ignored."""

    def interrupt(signum: int, frame: object) -> None:
        if _received:
            return
        _received.append(signum)
        raise Interrupted(signum)

    _received.clear()
    previous = {number: signal.signal(number, interrupt) for number in SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


SIGNAL_EXIT_CODES = frozenset(128 + number for number in SIGNALS)


def exit_stopped(code: int) -> None:
    """End a process a signal stopped with CODE, at once: flush, run the exit handlers, go.

    The interpreter's own teardown (collecting every module Prefect, polars and DuckDB load)
    takes half a second idle and seconds on a busy machine, longer than a stop may take. By
    now the command has closed its warehouse and said its summary line.
    """
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    atexit._run_exitfuncs()
    os._exit(code)


@contextmanager
def queries_cut_short_interrupt() -> Iterator[None]:
    """A DuckDB query cut short by the signal (DuckDB says `Query interrupted`) is `Interrupted`.

    DuckDB runs the signal handler itself and turns its exception into a RuntimeError; this
    gives the interruption back its own type, so callers (and Prefect) see an interrupt.
    """
    try:
        yield
    except Exception as exc:
        if _received:
            raise Interrupted(_received[0]) from exc
        raise


@contextmanager
def ignore_signals() -> Iterator[None]:
    """SIGINT and SIGTERM are ignored while an interrupted load reports what it left."""
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def load_tally(db: Path, inputs: list[Path] | None, since: datetime) -> tuple[int, int | None]:
    """Files of INPUTS committed since SINCE, and files with no ledger row at all.

    INPUTS None counts every file committed since SINCE, and the files left are not known.
    """
    if not db.exists():
        return 0, None if inputs is None else len(inputs)
    con = connect(db, read_only=True)
    try:
        if inputs is None:
            return files_started_since(con, since), None
        committed, known = tally_inputs(con, inputs, since)
    finally:
        con.close()
    return committed, len(inputs) - known
