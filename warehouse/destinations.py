"""Paths the user names for output: never remove or overwrite what the product did not write.

One rule for every command that writes a user's path (`export`, `query --output`, `report`):
a folder is written when it is new, empty, or holds only what an earlier run wrote there (its
manifest lists it); a file is written when it does not exist yet or the product wrote it
(`owned`). Anything else is refused with `DestinationInUse`, unless the user passed
`--overwrite`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.errors import DestinationInUse

MANIFEST = ".pubmed-warehouse-export.json"
"""The manifest an export leaves in its folder: the entries it wrote."""
SHOWN_NAMES = 3


def manifest_entries(folder: Path) -> set[str] | None:
    """The entries FOLDER's manifest lists, or None when it has no readable manifest."""
    try:
        document = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return set(document["entries"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_manifest(folder: Path, entries: list[str]) -> None:
    """Record the entries an export wrote into FOLDER."""
    document = {"written_by": "pubmed-warehouse export", "entries": sorted(entries)}
    (folder / MANIFEST).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def foreign_entries(folder: Path) -> list[str]:
    """Entries of FOLDER that its manifest does not list (all of them without a manifest)."""
    if not folder.is_dir():
        return []
    ours = (manifest_entries(folder) or set()) | {MANIFEST}
    return sorted(p.name for p in folder.iterdir() if p.name not in ours)


def check_folder(folder: Path, overwrite: bool) -> None:
    """Refuse FOLDER when it is a file, or holds entries no export wrote (unless OVERWRITE)."""
    if folder.exists() and not folder.is_dir():
        raise DestinationInUse(f"{folder} is a file, not a folder: name a new or empty folder")
    others = foreign_entries(folder)
    if others and not overwrite:
        shown = ", ".join(others[:SHOWN_NAMES]) + (" ..." if len(others) > SHOWN_NAMES else "")
        raise DestinationInUse(
            f"{folder} holds {len(others)} entries this command did not write ({shown}): "
            "name a new or empty folder, or add --overwrite to write beside them "
            "(entries of the same name are replaced)"
        )


def check_file(path: Path, overwrite: bool, owned: Callable[[Path], bool] | None = None) -> None:
    """Refuse an existing PATH unless --overwrite, or OWNED says the product wrote it."""
    if path.is_dir():
        raise DestinationInUse(f"{path} is a folder: name a file")
    if path.exists() and not overwrite and not (owned and owned(path)):
        raise DestinationInUse(f"{path} exists: name a new file, or add --overwrite to replace it")


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A sibling `.part` path to write; renamed onto PATH only when the block ends cleanly."""
    part = path.with_name(f".{path.name}.part")
    try:
        yield part
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
