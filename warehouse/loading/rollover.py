"""Yearly baseline rollover: remove the PMIDs a completely loaded new baseline no longer holds.

NLM publishes a new baseline every year; a citation it leaves out (and that no later update
re-adds) is gone from PubMed. Records the baseline carried unchanged are not reloaded: the loader
already marked them `unchanged`, and `changes` says which PMIDs each file carried.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

import duckdb

from warehouse.errors import ConfigError
from warehouse.ledger import DeletionReason, last_source_file, loaded_file_keys
from warehouse.loading import aggregates
from warehouse.loading.removal import remove_pmids
from warehouse.schema import read_sql
from warehouse.transaction import transaction

log = logging.getLogger(__name__)


def missing_baseline_files(con: duckdb.DuckDBPyConnection, keys: Sequence[str]) -> list[str]:
    """Baseline file order keys not yet loaded; an empty list means the baseline is complete."""
    return sorted(set(keys) - loaded_file_keys(con))


def drop_baseline_dropouts(con: duckdb.DuckDBPyConnection, keys: Sequence[str]) -> int:
    """Remove, in one transaction, PMIDs that the loaded baseline `keys` no longer holds.

    Each removal is recorded in `deletions` (reason `not in baseline YY`) and `changes`;
    returns how many PMIDs were removed.
    """
    if not keys:
        raise ConfigError("a baseline rollover needs the baseline's file order keys")
    if missing := missing_baseline_files(con, keys):
        raise ConfigError(f"baseline not completely loaded: {len(missing)} files missing")
    first, last = min(keys), max(keys)
    older = "select 1 from articles where file_order_key < ? limit 1"
    if not con.execute(older, [first]).fetchone():
        return 0  # nothing older than this baseline: a rollover already ran, or never needed
    reason = DeletionReason.not_in_baseline(first[:2])
    at = datetime.now()
    with transaction(con):
        con.execute(read_sql("load/decide_baseline_dropouts.sql"), {"first_key": first})
        source = last_source_file(con, last)
        aggregates.subtract(con, "select pmid from dropout_decisions", at)
        removed = remove_pmids(
            con, "dropout_decisions", source, at, reason=reason, file_order_key=last
        )
        aggregates.apply(con, at)
        con.execute("drop table dropout_decisions")
    log.info("baseline %s: removed %d PMIDs it no longer holds", first[:2], removed)
    return removed
