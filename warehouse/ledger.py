"""The words the ledger tables use: what a file did to a PMID, what became of a file, why a PMID
was removed. One enum each, so that no module compares loose strings with another's.

The questions asked of the `ingested_files` ledger (which files are known, loaded, committed
since a time) are answered here too, so that each rule has one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import duckdb


class Action(StrEnum):
    """`changes.action`: what a file did to a PMID."""

    INSERT = "insert"
    REPLACE = "replace"
    UNCHANGED = "unchanged"
    DELETE = "delete"
    SKIPPED_OLDER = "skipped-older"
    SKIPPED_POORER = "skipped-poorer"


class FileStatus(StrEnum):
    """What became of one input file (`ingested_files.status` holds the first three)."""

    LOADED = "loaded"
    REJECTED = "rejected"
    APPLYING = "applying"  # applied in chunks, its plan committed, rows still to move
    ALREADY_LOADED = "already-loaded"
    REJECTED_BEFORE = "rejected-before"  # the same bytes were rejected whole by an earlier load
    SKIPPED = "skipped"  # a MeSH file superseded by a newer year of its kind in the same run
    FAILED = "failed"

    @property
    def changed_nothing(self) -> bool:
        """True for a file this run did not read again (its bytes were in the ledger)."""
        return self in (FileStatus.ALREADY_LOADED, FileStatus.REJECTED_BEFORE, FileStatus.SKIPPED)

    @property
    def rejected_whole(self) -> bool:
        """True for a file rejected as a whole, this run or by an earlier one (no record read)."""
        return self in (FileStatus.REJECTED, FileStatus.REJECTED_BEFORE)


class StagedStatus(StrEnum):
    """A staging folder's state: parsed whole, rejected whole, or a MeSH vocabulary file
    (not staged: the writer reads it itself)."""

    STAGED = "staged"
    REJECTED = "rejected"
    VOCABULARY = "vocabulary"


class DeletionReason(StrEnum):
    """`deletions.reason` for a DeleteCitation; a yearly rollover's is `not in baseline YY`."""

    DELETE_CITATION = "DeleteCitation"

    @staticmethod
    def not_in_baseline(year: str) -> str:
        """The reason a yearly baseline rollover gives, e.g. `not in baseline 26`."""
        return f"not in baseline {year}"


class HalfApplied(NamedTuple):
    """A file applied in chunks whose load stopped between chunks (status `applying`)."""

    source_file: str
    sha256: str


def half_applied_files(con: duckdb.DuckDBPyConnection) -> list[HalfApplied]:
    """Files left half applied: a load of the same bytes finishes them."""
    rows = con.execute(
        "select source_file, sha256 from ingested_files where status = ? order by started_at",
        [FileStatus.APPLYING],
    ).fetchall()
    return [HalfApplied(*row) for row in rows]


def half_applied_message(files: Sequence[HalfApplied]) -> str:
    """What to run when files are half applied."""
    names = ", ".join(f.source_file for f in files)
    return (
        f"{names} is half applied (a load applying it in chunks stopped): run "
        f"`pubmed-warehouse load {files[0].source_file}` again, or the sync that was loading "
        "it, to finish it; until then no other file loads and the readers' copy is not published"
    )


def known_file_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    """File order keys the warehouse has already processed (loaded or rejected); a file half
    applied is not, so that a sync loads it again (which finishes it)."""
    rows = con.execute(
        "select distinct file_order_key from ingested_files"
        " where file_order_key is not null and status <> ?",
        [FileStatus.APPLYING],
    ).fetchall()
    return {key for (key,) in rows}


def loaded_file_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    """File order keys of files loaded (not rejected)."""
    rows = con.execute(
        "select distinct file_order_key from ingested_files where status = ?", [FileStatus.LOADED]
    ).fetchall()
    return {key for (key,) in rows}


def last_source_file(con: duckdb.DuckDBPyConnection, file_order_key: str) -> str | None:
    """The file last processed under FILE_ORDER_KEY (its path as loaded)."""
    return con.execute(
        "select arg_max(source_file, finished_at) from ingested_files where file_order_key = ?",
        [file_order_key],
    ).fetchone()[0]


def known_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    """SHA-256 of every file the ledger holds (loaded or rejected; not half applied)."""
    query = "select sha256 from ingested_files where status <> ?"
    return {sha256 for (sha256,) in con.execute(query, [FileStatus.APPLYING]).fetchall()}


def loaded_file_names(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> set[str]:
    """Which of these file names (without folder) the warehouse has loaded, from any folder."""
    rows = con.execute(
        "select distinct source_file from ingested_files where status = ?"
        " and regexp_extract(source_file, '[^/]+$') in (select unnest(?::varchar[]))",
        [FileStatus.LOADED, list(names)],
    ).fetchall()
    return {Path(source).name for (source,) in rows}


def files_started_since(con: duckdb.DuckDBPyConnection, since: datetime) -> int:
    """Ledger rows of files whose load started at SINCE or later."""
    query = "select count(*) from ingested_files where started_at >= ?"
    return con.execute(query, [since]).fetchone()[0]


def tally_inputs(
    con: duckdb.DuckDBPyConnection, inputs: Sequence[Path], since: datetime
) -> tuple[int, int]:
    """Of INPUTS: how many were last processed at SINCE or later, and how many the ledger holds."""
    return con.execute(
        """
        select count(*) filter (where last_started >= $since), count(*)
        from (
            select source_file, max(started_at) as last_started
            from ingested_files
            where source_file in (select unnest($inputs))
            group by source_file
        )
        """,
        {"since": since, "inputs": [str(p) for p in inputs]},
    ).fetchone()


def ledger_counts(con: duckdb.DuckDBPyConnection) -> tuple:
    """Files loaded, files rejected whole, records rejected in loaded files, the last run's
    finish time and flow run, and the newest NLM file's name."""
    return con.execute(
        """
        select
            count(*) filter (where status = $loaded),
            count(*) filter (where status = $rejected),
            coalesce(sum(rejected) filter (where status = $loaded), 0),
            max(finished_at),
            arg_max(flow_run_id, finished_at),
            regexp_extract(arg_max(source_file, file_order_key), '[^/]+$')
        from ingested_files
        """,
        {"loaded": FileStatus.LOADED, "rejected": FileStatus.REJECTED},
    ).fetchone()
