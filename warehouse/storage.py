"""The warehouse file's storage version, and copy-on-write clones where the file system has them.

On a file system that clones files by sharing their blocks (`FICLONE`: XFS, btrfs, and others
with reflinks), the readers' copy is a clone of the checkpointed warehouse: it takes no disk
until the warehouse's next writes move away from the blocks they share. Readers open that
clone with any DuckDB from 1.3 on, so a warehouse created on such a file system is written in
`READERS_STORAGE_VERSION`; elsewhere it is created in DuckDB's own latest version (about a sixth
smaller) and the readers' copy is written apart (`warehouse.readers.snapshot`).
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

READERS_STORAGE_VERSION = "v1.3.0"
"""DuckDB 1.3 and every later version read this format. It is the oldest with dictionary-FSST
string compression, which halves the copy of `articles` against 1.0's, and it holds the ZSTD
columns the long texts are declared with (`sql/tables/`; ZSTD came with 1.2)."""

FICLONE = 0x40049409
"""Linux `ioctl` that makes a file share every block of another (`linux/fs.h`)."""

NOT_CLONABLE = {
    errno.EOPNOTSUPP,  # the file system has no reflinks (ext4, tmpfs)
    errno.EXDEV,  # the two paths are on different file systems
    errno.EINVAL,  # not a regular file, or the file system refuses this pair
    errno.ENOTTY,  # no such ioctl here
    errno.ENOSYS,
    errno.EBADF,
    errno.EPERM,
}


def clone_file(source: Path, destination: Path) -> bool:
    """Make DESTINATION (new, or emptied) share every block of SOURCE; False when the file
    system cannot (DESTINATION is then removed). Other errors (disk full, ...) are raised."""
    with source.open("rb") as src, destination.open("wb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
        except OSError as exc:
            if exc.errno not in NOT_CLONABLE:
                raise
            cloned = False
        else:
            cloned = True
            os.fsync(dst.fileno())
    if not cloned:
        destination.unlink(missing_ok=True)
    return cloned


def can_clone(folder: Path) -> bool:
    """Whether files in FOLDER can be cloned (tried on two small files made and removed)."""
    try:
        with tempfile.TemporaryDirectory(dir=folder, prefix=".clone-probe-") as probe:
            source = Path(probe) / "source"
            source.write_bytes(b"\0" * 4096)
            return clone_file(source, Path(probe) / "clone")
    except OSError as exc:
        log.debug("no clones in %s: %s", folder, exc)
        return False


def new_file_config(path: Path) -> dict[str, str]:
    """DuckDB settings for opening the warehouse at PATH writable: a new file on a file system
    with clones is created in `READERS_STORAGE_VERSION` (an existing file keeps its version)."""
    if path.exists() or not can_clone(path.parent):
        return {}
    return {"storage_compatibility_version": READERS_STORAGE_VERSION}
