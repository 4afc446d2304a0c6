"""The inbox folder: files dropped there are loaded, then moved to `done/` or `failed/`.

Only files directly in the inbox are taken (not `done/`, `failed/` or other folders), in load
order; hidden files, `.part` downloads and checksum or note files are left alone, and so is a
file modified in the last `settle_seconds` (it may still be being copied in).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from warehouse.inputs import load_order

DONE, FAILED = "done", "failed"
SKIPPED_SUFFIXES = {".part", ".md5", ".md", ".reason", ".tmp", ".crdownload"}


def new_inbox_files(inbox: Path, settle_seconds: float = 10.0) -> list[Path]:
    """Files waiting in the inbox, in load order (NLM files by number first)."""
    if not inbox.is_dir():
        return []
    settled_before = time.time() - settle_seconds
    found = [
        path
        for path in inbox.iterdir()
        if path.is_file()
        and not path.name.startswith(".")
        and path.suffix.lower() not in SKIPPED_SUFFIXES
        and path.stat().st_mtime <= settled_before
    ]
    return sorted(found, key=load_order)


def file_away(path: Path, inbox: Path, outcome: str, reason: str | None = None) -> Path:
    """Move a processed file to `done/` or `failed/`, with `<name>.reason` beside it if given.

    A name already taken there gets a numeric suffix (`name.1`, `name.2`, ...).
    """
    folder = inbox / outcome
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    counter = 0
    while target.exists():
        counter += 1
        target = folder / f"{path.name}.{counter}"
    shutil.move(path, target)
    if reason:
        target.with_name(target.name + ".reason").write_text(reason + "\n", encoding="utf-8")
    return target
