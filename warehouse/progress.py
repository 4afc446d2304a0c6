"""Progress display for long loads (rich), handed to the loader as a callback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


@contextmanager
def file_progress(console: Console) -> Iterator[Callable[[int], None]]:
    """A callback that advances a records counter on the console (silent when not a terminal)."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    with progress:
        task = progress.add_task("loading", total=None)
        yield lambda records: progress.advance(task, records)
