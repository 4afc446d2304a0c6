"""The words the ledger tables use: what a file did to a PMID, what became of a file, why a PMID
was removed. One enum each, so that no module compares loose strings with another's."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """`changes.action`: what a file did to a PMID."""

    INSERT = "insert"
    REPLACE = "replace"
    UNCHANGED = "unchanged"
    DELETE = "delete"
    SKIPPED_OLDER = "skipped-older"
    SKIPPED_POORER = "skipped-poorer"


class FileStatus(StrEnum):
    """What became of one input file (`ingested_files.status` holds the first two)."""

    LOADED = "loaded"
    REJECTED = "rejected"
    ALREADY_LOADED = "already-loaded"
    REJECTED_BEFORE = "rejected-before"  # the same bytes were rejected whole by an earlier load
    SKIPPED = "skipped"  # a MeSH file superseded by a newer year of its kind in the same run
    FAILED = "failed"

    @property
    def changed_nothing(self) -> bool:
        """True for a file this run did not read again (its bytes were in the ledger)."""
        return self in (FileStatus.ALREADY_LOADED, FileStatus.REJECTED_BEFORE, FileStatus.SKIPPED)


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
