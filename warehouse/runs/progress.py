"""Progress display for long loads (rich), handed to the loader as a callback."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)


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


class LoadProgress:
    """A load's progress line: files done of total, the file being loaded, records, records per
    second and the time left, estimated from the bytes of the files done so far."""

    def __init__(self, progress: Progress, files: list[Path]) -> None:
        self.progress, self.total_files = progress, len(files)
        self.sizes = {str(f): _size(f) for f in files}
        self.done, self.records, self.started, self.current = 0, 0, time.monotonic(), ""
        self.task = progress.add_task(
            "loading", total=sum(self.sizes.values()) or None, **self._fields("")
        )

    def _fields(self, current: str) -> dict[str, str]:
        seconds = max(time.monotonic() - self.started, 1e-6)
        self.current = current
        return {
            "files": f"{self.done}/{self.total_files} files",
            "current": current,
            "records": f"{self.records:,} records",
            "rate": f"{self.records / seconds:,.0f} records/s",
        }

    def on_records(self, records: int) -> None:
        """Count records as the loader reports them."""
        self.records += records
        self.progress.update(self.task, **self._fields(self.current))

    def file_started(self, path: Path) -> None:
        self.progress.update(self.task, **self._fields(Path(path).name))

    def file_done(self, path: Path) -> None:
        self.done += 1
        self.progress.update(self.task, advance=self.sizes.get(str(path), 0), **self._fields(""))

    def counting(self, load_one: Callable) -> Callable:
        """LOAD_ONE (a step loading one file) that moves this progress line on."""

        def load_and_count(con, path, *args, **kwargs):
            self.file_started(path)
            result = load_one(con, path, *args, **kwargs)
            self.file_done(path)
            return result

        return load_and_count


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@contextmanager
def load_progress(console: Console, files: list[Path]) -> Iterator[LoadProgress]:
    """The progress line of a load of FILES (silent when the console is not a terminal)."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.fields[files]}"),
        TextColumn("{task.fields[current]}"),
        TextColumn("{task.fields[records]}"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    with progress:
        yield LoadProgress(progress, files)


@contextmanager
def download_progress(console: Console) -> Iterator[Callable[[str, int, int | None], None]]:
    """A callback drawing one byte progress bar per downloaded file (silent when not a terminal)."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    bars: dict[str, TaskID] = {}

    def advance(name: str, nbytes: int, total: int | None) -> None:
        if name not in bars:
            bars[name] = progress.add_task(name, total=total)
        progress.update(bars[name], advance=nbytes, total=total)

    with progress:
        yield advance
