"""Bring a readers' copy of the warehouse up to date by replaying only what changed since.

The copy is attached to the writer's connection as `readers_copy`. Every table is handled by
its kind, read from the catalog, so a new table needs no code here:

- a ledger (`LEDGER_TABLES`, append-only) gets the rows past the row count the copy holds;
- a table with a `pmid` column (aggregates per article included) gets the whole records of
  every PMID that the new `changes` and `deletions` rows name, and of every PMID whose UI-less
  names were filled in since (they left `pending_uis`);
- another table with a `refreshed_at` column (an aggregate) gets the rows refreshed since the
  copy's newest `refreshed_at`, upserted on its primary key or `aggregates.grain_keys()`
  (copied whole when it has neither); of an aggregate stored as `_settled` and `_recent`
  (`aggregates.OVERLAID`), `_settled` changes only when folded, and both are then written
  whole (`_overlays`);
- a table of `SNAPSHOT_TABLES` (the Open Citation Collection's pairs) is never replayed: it
  changes only with its snapshot, and then the copy is rebuilt (below);
- any other table is written whole (dropped and created again: emptied row by row at every
  publish, a small table such as `mesh_tree_numbers` piled up deleted rows until the copy was
  due for compaction at every publish).

The copy follows the warehouse's schema when another version of pubmed-warehouse changed it
(`SchemaMoves`, in the last transaction): a table only the warehouse has is written whole, one
only the copy has is dropped, one both have whose columns differ is written anew (dropped and
created as the warehouse declares it, with every row), comments are set anew. The PMIDs the
copy lacks are still found from its own ledgers' row counts, whatever their columns.

A MeSH vocabulary load recomputes the roll-ups for every article (`aggregates.refresh_vocabulary`),
so a copy that holds another vocabulary (`VOCABULARY_TABLE`) is rebuilt instead; so does an
Open Citation Collection load (`aggregates.refresh_citations`), so a copy that holds another
snapshot (the marker tables of `SNAPSHOT_TABLES`) is rebuilt too.

The records the copy holds of the replayed PMIDs go out in chunks of the writer's
`apply_chunk_pmids` (`REPLAY_CHUNK_PMIDS` unless a caller says otherwise), each its own
transaction, checkpointed (`sql/readers/replay_chunks.sql`); then every replayed
PMID's records go in, in one transaction that only inserts. The ledgers, aggregates
and whole tables go in one last transaction, so a copy's ledgers always say up to where it
holds the warehouse, and a catch-up stopped before its end is redone from there (`catch_up`).
Readers only ever open a copy once it is published, so they see it as of some whole number of
loads.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from warehouse.loading.aggregates import OVERLAID, grain_keys, stored_tables
from warehouse.loading.memory import (
    most_changed_in_place,
    raise_limit_to,
    removal_need,
    rewrite_pays,
    table_rows,
)
from warehouse.schema import create_empty_like, literal, quoted, read_sql
from warehouse.setting_fields import FIELDS
from warehouse.transaction import transaction

log = logging.getLogger(__name__)

COPY = "readers_copy"
"""Name the readers' copy is attached under on the writer's connection."""

LEDGER_TABLES = ("changes", "deletions", "ingested_files", "rejects")
"""Append-only tables: their rows are never updated or deleted."""

REPLAY_CHUNK_PMIDS: int = FIELDS["apply_chunk_pmids"].default
"""PMIDs whose records one transaction of a catch-up removes unless told otherwise (the default
of `apply_chunk_pmids`, which a writer session passes): the copy's blocks it pins are bounded by
it."""


SNAPSHOT_TABLES = {"occ_links": "occ_snapshot"}
"""Tables replaced whole by a snapshot load, and the table naming that snapshot: when the
copy's marker rows differ from the warehouse's, the copy is rebuilt."""

VOCABULARY_TABLE = "mesh_vocabularies"
"""Which MeSH files are loaded: when the copy's rows differ, it is rebuilt."""


class CopyOutOfStep(Exception):
    """The copy cannot be brought up to date incrementally; it must be rebuilt."""


@dataclass
class CatchUp:
    """What bringing a copy up to date replayed, and whether its checkpoints compacted it."""

    pmids: int = 0
    ledger_rows: int = 0
    whole_tables: tuple[str, ...] = ()
    compacted: bool = False


def catalog(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple]:
    """Tables, views and columns of DATABASE with types, definitions and comments."""
    return con.execute(read_sql("readers/catalog.sql").format(db=database)).fetchall()


def warehouse_name(con: duckdb.DuckDBPyConnection) -> str:
    """Name of the warehouse database on the writer's connection."""
    return con.execute("select current_database()").fetchone()[0]


def storage_version_of(con: duckdb.DuckDBPyConnection, database: str) -> str:
    """The storage version tag of an attached database, e.g. `v1.3.0+`."""
    return con.execute(
        "select tags['storage_version'] from duckdb_databases() where database_name = ?",
        [database],
    ).fetchone()[0]


def table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Columns of every table of the warehouse."""
    rows = con.execute(
        "select c.table_name, c.column_name from duckdb_columns() as c "
        "inner join duckdb_tables() as t using (database_name, schema_name, table_name) "
        "where c.database_name = current_database() and c.schema_name = 'main'"
    ).fetchall()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables


def catch_up(
    con: duckdb.DuckDBPyConnection, storage_version: str, chunk_pmids: int = REPLAY_CHUNK_PMIDS
) -> CatchUp:
    """Replay into `readers_copy` what changed in the warehouse since it was last caught up.

    The replayed PMIDs' records go first: those the copy holds are removed, `chunk_pmids`
    per transaction, each checkpointed (removing a PMID's rows pins a block
    of the copy per table until then); then one transaction inserts every replayed PMID's
    records, which pins nothing, and the checkpoint at the end writes them once (a checkpoint
    per chunk that also inserted wrote the end of every table again each time: 30 of them were
    half of a spread update's catch-up at 10M records). Then one transaction appends the
    ledgers and brings the aggregates and whole tables up to date. Until that last commit the
    copy's ledgers still name the position it was caught up from, so a catch-up stopped before
    it is redone from there: a PMID whose records a committed chunk removed is then one the
    copy does not hold (inserted only), one already inserted again is held (removed and
    inserted again, harmless); every transaction writes all the tables of its PMIDs or none.
    The copy being caught up is the idle one, which no reader holds
    (`snapshot._update_idle`).

    Raises `CopyOutOfStep` when the copy cannot follow (`check_in_step`) or a ledger is no
    longer append-only; nothing is changed then.
    """
    moves = check_in_step(con, storage_version)
    written_whole = set(moves.added + moves.rewritten)  # by `_follow_schema`, at the end
    copied = {table: _copied_rows(con, table) for table in LEDGER_TABLES}
    tables = {t: c for t, c in table_columns(con).items() if t not in written_whole}
    records = sorted(t for t, c in tables.items() if t not in LEDGER_TABLES and "pmid" in c)
    done = CatchUp()
    done.pmids = _replay_pmids(con, copied, tables)
    con.execute(read_sql("readers/replay_chunks.sql").format(size=chunk_pmids))
    chunks = con.execute(
        "select chunk, count(*) from replay_chunks group by chunk order by chunk"
    ).fetchall()
    for chunk, pmids in chunks:
        with transaction(con):
            con.execute(
                "create or replace temp table replayed_chunk as "
                "select pmid from replay_chunks where chunk = ?",
                [chunk],
            )
            _reserve_memory(con, records, pmids, {})
            for table in records:
                con.execute(_records_sql("remove_records", table, "replayed_chunk"))
        con.execute(f"checkpoint {COPY}")
    with transaction(con):
        for table in records:
            con.execute(_records_sql("copy_records", table, "replayed_pmids"))
    with transaction(con):
        folded, settled = _overlays(con, tables)
        refreshed = refreshed_rows(con, {t: c for t, c in tables.items() if t not in settled})
        _reserve_memory(con, [], 0, refreshed)
        for table, columns in sorted(tables.items()):
            if table in LEDGER_TABLES:
                done.ledger_rows += _append_ledger(con, table, copied[table])
            elif "pmid" in columns:
                continue
            elif table in folded:
                _replace_whole(con, table)
                done.whole_tables += (table,)
            elif table in settled:
                continue
            elif "refreshed_at" in columns:
                _upsert_refreshed(con, table, refreshed[table])
            elif table not in SNAPSHOT_TABLES:
                _replace_whole(con, table)
                done.whole_tables += (table,)
        _follow_schema(con, moves)
        done.whole_tables += moves.added + moves.rewritten
        recreate_views(con)
        _drop_refreshed(con, refreshed)
    for temp in ("replayed_pmids", "replay_chunks", "replayed_chunk"):
        con.execute(f"drop table if exists {temp}")
    return done


def _overlays(
    con: duckdb.DuckDBPyConnection, tables: dict[str, set[str]]
) -> tuple[set[str], set[str]]:
    """The stored tables of the `aggregates.OVERLAID` aggregates whose `_settled` changed since
    the copy was caught up (by a fold, or its first rows), written whole; and every `_settled`
    table, of which only those are written (the others are as the copy holds them, and their
    `_recent` rows are upserted like any aggregate's). A `_settled` table changes only so, and
    then holds rows refreshed after all it held, so its newest `refreshed_at` tells."""
    folded, settled = set(), set()
    for table in OVERLAID:
        stored = stored_tables(table)
        if not set(stored) <= set(tables):
            continue  # written whole (`_follow_schema`)
        settled.add(stored[0])
        ours, theirs = con.execute(
            f"select (select max(refreshed_at) from {quoted(stored[0])}), "
            f"(select max(refreshed_at) from {COPY}.{quoted(stored[0])})"
        ).fetchone()
        if ours != theirs:
            folded.update(stored)
    return folded, settled


def _records_sql(name: str, table: str, pmids: str) -> str:
    """`sql/readers/NAME.sql` for TABLE and the PMIDs of the temp table PMIDS."""
    return read_sql(f"readers/{name}.sql").format(table=quoted(table), pmids=pmids)


@dataclass
class SchemaMoves:
    """What brings the copy's tables to the warehouse's schema, in a catch-up's last
    transaction (another version of pubmed-warehouse added, dropped, re-declared or
    re-commented tables)."""

    added: tuple[str, ...] = ()
    """Tables only the warehouse has: written whole into the copy, not replayed."""
    dropped: tuple[str, ...] = ()
    """Tables only the copy has: dropped from it."""
    rewritten: tuple[str, ...] = ()
    """Tables both have, with other columns in the copy: written anew, not replayed."""
    comments: tuple[tuple[str, str | None, str | None], ...] = ()
    """(table, column or None, comment) of the tables both have, where the copy's differ."""


def check_in_step(con: duckdb.DuckDBPyConnection, storage_version: str) -> SchemaMoves:
    """Raise `CopyOutOfStep` with the reason when the attached copy cannot be caught up by
    replaying changes: it is in another DuckDB storage version than STORAGE_VERSION, or it
    holds another MeSH vocabulary (`VOCABULARY_TABLE`) or Open Citation Collection snapshot.
    Otherwise returns what its schema needs (`SchemaMoves`): tables added, dropped, declared
    with other columns or commented anew are followed, not the whole copy rebuilt."""
    tag = storage_version_of(con, COPY)
    if tag != f"{storage_version}+":
        raise CopyOutOfStep(f"the copy is in storage version {tag}, not {storage_version}")
    warehouse = warehouse_name(con)
    moves = schema_moves(catalog(con, warehouse), catalog(con, COPY))
    for marker in (VOCABULARY_TABLE, *SNAPSHOT_TABLES.values()):
        if marker in moves.added + moves.rewritten:
            raise CopyOutOfStep(f"the readers' copy has no {marker} table")
    if _rows(con, COPY, VOCABULARY_TABLE) != _rows(con, warehouse, VOCABULARY_TABLE):
        raise CopyOutOfStep("a MeSH vocabulary was loaded since the copy was brought up to date")
    for marker in SNAPSHOT_TABLES.values():
        if _rows(con, COPY, marker) != _rows(con, warehouse, marker):
            raise CopyOutOfStep(f"a new {marker} was loaded since the copy was brought up to date")
    return moves


def schema_moves(warehouse: list[tuple], copy: list[tuple]) -> SchemaMoves:
    """Compare two `catalog` listings (rows of table, column, type, nullable, comment)."""
    if warehouse == copy:
        return SchemaMoves()
    ours, theirs = {row[0] for row in warehouse}, {row[0] for row in copy}
    both = ours & theirs

    def columns(rows: list[tuple], table: str) -> list[tuple]:
        return [row[1:4] for row in rows if row[0] == table and row[1] is not None]

    rewritten = {t for t in both if columns(warehouse, t) != columns(copy, t)}
    comments = sorted(
        (row[0], row[1], row[4])
        for row in set(warehouse) - set(copy)
        if row[0] in both - rewritten  # a table written anew has the warehouse's comments
    )
    return SchemaMoves(
        tuple(sorted(ours - theirs)),
        tuple(sorted(theirs - ours)),
        tuple(sorted(rewritten)),
        tuple(comments),
    )


def _follow_schema(con: duckdb.DuckDBPyConnection, moves: SchemaMoves) -> None:
    """Apply MOVES to the copy (inside the catch-up's last transaction)."""
    for table in moves.dropped:
        con.execute(f"drop table {COPY}.{quoted(table)}")
    for table in moves.added:
        _write_whole(con, table)
    for table in moves.rewritten:
        _replace_whole(con, table)
    for table, column, comment in moves.comments:
        target = f"{COPY}.{quoted(table)}" + (f".{quoted(column)}" if column else "")
        kind = "column" if column else "table"
        text = "null" if comment is None else literal(comment)
        con.execute(f"comment on {kind} {target} is {text}")


def _rows(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[tuple]:
    """Every row of a small table of DATABASE, sorted."""
    return con.execute(f"select * from {quoted(database)}.{quoted(table)} order by all").fetchall()


def _reserve_memory(
    con: duckdb.DuckDBPyConnection,
    records: list[str],
    pmids: int,
    refreshed: dict[str, int],
) -> None:
    """Raise DuckDB's memory limit up front to what a transaction of the replay pins until its
    commit: a vector of the copy per replayed PMID and table of `records`, and a vector per
    refreshed row of each aggregate upserted in place (none for one written anew,
    `_upsert_refreshed`) (`memory.removal_need`), rather than run out and start over with
    twice the memory."""
    rows = table_rows(con, COPY)
    touched = {table: pmids for table in records}
    touched |= {
        table: 0 if rewrite_pays(n, rows.get(table, 0)) else n for table, n in refreshed.items()
    }
    raise_limit_to(con, removal_need(rows, touched, pmids).mib, "readers' copy")


def _copied_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows of a ledger the copy holds; checks the warehouse's ledger is still append-only."""
    rows, last = con.execute(f'select count(*), max(rowid) from "{table}"').fetchone()
    if rows and last != rows - 1:
        raise CopyOutOfStep(f"rows were removed from the ledger {table}")
    held = con.execute(f'select count(*) from {COPY}."{table}"').fetchone()[0]
    if held > rows:
        raise CopyOutOfStep(f"the readers' copy holds more {table} rows than the warehouse")
    return held


def _replay_pmids(
    con: duckdb.DuckDBPyConnection, copied: dict[str, int], tables: dict[str, set[str]]
) -> int:
    """Fill temp table `replayed_pmids`; returns how many PMIDs it holds."""
    con.execute(
        read_sql("readers/replayed_pmids.sql").format(
            changes_copied=copied["changes"], deletions_copied=copied["deletions"]
        )
    )
    if "pending_uis" in tables:
        con.execute(read_sql("readers/filled_pmids.sql"))
    return con.execute("select count(*) from replayed_pmids").fetchone()[0]


def _append_ledger(con: duckdb.DuckDBPyConnection, table: str, copied: int) -> int:
    """Append the ledger's new rows; returns how many."""
    before = con.execute(f'select count(*) from {COPY}."{table}"').fetchone()[0]
    con.execute(read_sql("readers/append_ledger.sql").format(table=f'"{table}"', copied=copied))
    return con.execute(f'select count(*) from {COPY}."{table}"').fetchone()[0] - before


def _upsert_refreshed(con: duckdb.DuckDBPyConnection, table: str, refreshed: int) -> None:
    """Upsert an aggregate's refreshed rows (`refreshed` of them, kept by `refreshed_rows`) on
    its primary key; copy it whole without one, or when upserting them would pin more memory
    than a rewrite (`memory.rewrite_pays`)."""
    key = primary_key(con, table) or list(grain_keys().get(table, ()))
    if not key:
        log.warning("aggregate %s has no primary key: copied whole", table)
        _replace_whole(con, table)
        return
    if rewrite_pays(refreshed, table_rows(con, COPY).get(table, 0)):
        _replace_whole(con, table)
        return
    match = " and ".join(f'c."{column}" is not distinct from r."{column}"' for column in key)
    con.execute(
        read_sql("readers/upsert_refreshed.sql").format(
            table=quoted(table), key_match=match, refreshed=quoted(_kept_refreshed(table))
        )
    )


def _kept_refreshed(table: str) -> str:
    """The temp table `refreshed_rows` keeps an aggregate's refreshed rows in."""
    return f"refreshed_{table}"


def _replace_whole(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Write the copy's table anew from the warehouse's (dropped and created again, which pins
    nothing, rather than emptied row by row)."""
    con.execute(f"drop table {COPY}.{quoted(table)}")
    _write_whole(con, table)


def _write_whole(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Create the copy's TABLE as the warehouse declares it and fill it with every row."""
    create_empty_like(con, table, table, into=COPY)
    copy_rows(con, warehouse_name(con), table)


def copy_rows(con: duckdb.DuckDBPyConnection, warehouse: str, table: str) -> None:
    """Insert every row of TABLE of the database WAREHOUSE into the copy's (CON: the writer's
    connection or a cursor of it)."""
    name = quoted(table)
    con.execute(f"insert into {COPY}.{name} select * from {quoted(warehouse)}.{name}")


def refreshed_rows(con: duckdb.DuckDBPyConnection, tables: dict[str, set[str]]) -> dict[str, int]:
    """Per aggregate kept by key (`refreshed_at`, no `pmid`), the rows refreshed since the
    copy's newest refresh: what its catch-up upserts. They are kept in temp tables for it
    (`_kept_refreshed`), so each aggregate is read once (dropped with `_drop_refreshed`); of an
    aggregate too large to upsert many rows into (`memory.most_changed_in_place`), one more
    than it takes is kept: it is then written whole, and its count is of no more use."""
    rows = table_rows(con, COPY)
    counts = {}
    for table, columns in tables.items():
        if "refreshed_at" in columns and "pmid" not in columns and table not in LEDGER_TABLES:
            kept = quoted(_kept_refreshed(table))
            query = read_sql("readers/refreshed_rows.sql").strip().format(table=quoted(table))
            most = most_changed_in_place(rows.get(table, 0))
            limit = "" if most is None else f" limit {most + 1}"
            con.execute(f"create or replace temp table {kept} as {query}{limit}")
            counts[table] = con.execute(f"select count(*) from {kept}").fetchone()[0]
    return counts


def _drop_refreshed(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> None:
    for table in tables:
        con.execute(f"drop table if exists {quoted(_kept_refreshed(table))}")


def recreate_views(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the copy's views by the warehouse's, with their comments."""
    warehouse = warehouse_name(con)
    views = con.execute(read_sql("readers/views.sql")).fetchall()
    stale = con.execute(
        "select view_name from duckdb_views() where database_name = ? and not internal",
        [COPY],
    ).fetchall()
    con.execute(f"use {COPY}")
    try:
        for (name,) in stale:
            con.execute(f'drop view "{name}"')
        for name, sql, comment, column_comments in views:
            con.execute(sql)
            if comment is not None:
                con.execute(f'comment on view "{name}" is {literal(comment)}')
            for column, text in column_comments or []:
                con.execute(f'comment on column "{name}"."{column}" is {literal(text)}')
    finally:
        con.execute(f"use {quoted(warehouse)}")


def primary_key(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Primary key columns of a warehouse table (empty when it has none)."""
    row = con.execute(
        "select constraint_column_names from duckdb_constraints() "
        "where database_name = current_database() and table_name = ? "
        "and constraint_type = 'PRIMARY KEY'",
        [table],
    ).fetchone()
    return list(row[0]) if row else []
