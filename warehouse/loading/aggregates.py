"""Aggregate tables behind the analyst views, kept up to date in each file's transaction.

A file's transaction calls `subtract` with the PMIDs it is about to remove (replaced, deleted,
merged, dropped by a rollover) while their rows are still there, `add` with the PMIDs it has
just inserted, and `apply` once at the end. Per-article tables (`agg_article_*`) follow their
PMIDs; the other aggregates are subtractable counts per grain key (`sql/aggregates/*.sql` give
one batch of articles' contribution), merged as one net change per file. Keys are never
removed: a row whose counts fall to zero is kept (readers replaying "rows refreshed since T"
see it) and the views leave it out. Rollups (`agg_term_pairs`, `agg_authors`,
`agg_cited_articles`) hold what is not subtractable (first and last year, most frequent
spelling) for the keys a file touched: a rollup with a `Span` is the kept row plus the net
change where no year's count fell (every key of a file that only adds), the other keys are
recomputed from their per-year rows. Every row written gets `refreshed_at` = the time of the
file's transaction.

The MeSH roll-ups (`VOCABULARY`) also read the loaded MeSH vocabulary: loading one recomputes
them for every article (`refresh_vocabulary`), and a file that fills in the UIs of older
articles' names takes those articles out of them and puts them back (`subtract` and `add`
with `only=VOCABULARY`), so what a file adds is always what a later one subtracts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import duckdb

from warehouse.loading.abstract_spans import store_sections_once
from warehouse.loading.memory import rewrite_pays, rollback_quietly, table_rows, within_memory
from warehouse.schema import (
    columns_of,
    create_empty_like,
    create_schema,
    literal,
    main_tables,
    read_sql,
    table_schemas,
)
from warehouse.transaction import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counts:
    """A subtractable aggregate: its table, grain key and count columns."""

    name: str
    keys: tuple[str, ...]
    counts: tuple[str, ...]

    @property
    def table(self) -> str:
        return f"agg_{self.name}"


@dataclass(frozen=True)
class Span:
    """A rollup's sums and first and last year, kept as the kept row plus a file's net change.

    `counts` are summed over the years; `first` and `last` are the least and greatest `year`
    whose first count is positive. While no year's first count falls, the new row is the kept
    row with the net sums added and its years widened to the net's years of positive change.
    """

    counts: tuple[str, ...]
    year: str
    first: str
    last: str


@dataclass(frozen=True)
class Rollup:
    """An aggregate rolled up for touched keys from the counts it is rolled up from: from the
    kept row and the file's net change where `span` allows, else recomputed from the counts."""

    name: str
    keys: tuple[str, ...]
    sources: tuple[str, ...]
    span: Span | None = None

    @property
    def table(self) -> str:
        return f"agg_{self.name}"


ARTICLE_TABLES = {
    "article_descriptors": ("pmid", "descriptor_name"),
    "article_mesh_headings": ("pmid", "descriptor_ui"),
    "article_summary": ("pmid",),
    "article_citations": ("pmid", "cited_pmid"),
}
"""Per-article tables and their keys, in the order they are filled (later ones read earlier)."""

COUNTS = (
    Counts(
        "term_by_year", ("descriptor_name", "pub_year"), ("article_count", "major_article_count")
    ),
    Counts(
        "substance_by_term", ("descriptor_name", "substance_name", "pub_year"), ("article_count",)
    ),
    Counts(
        "term_pair_years",
        ("descriptor_name", "co_descriptor_name", "pub_year"),
        ("article_count", "both_major_article_count"),
    ),
    Counts(
        "author_years",
        ("author_key", "is_orcid", "pub_year"),
        ("article_count", "first_author_count", "last_author_count"),
    ),
    Counts(
        "author_spellings", ("author_key", "is_orcid", "last_name", "initials"), ("author_rows",)
    ),
    Counts(
        "mesh_node_years", ("tree_number", "pub_year"), ("article_count", "major_article_count")
    ),
    Counts(
        "mesh_descriptor_years",
        ("descriptor_ui", "pub_year"),
        ("article_count", "major_article_count"),
    ),
    Counts(
        "mesh_action_years", ("action_ui", "pub_year"), ("article_count", "major_article_count")
    ),
    Counts(
        "cited_by_year",
        ("cited_pmid", "citing_pub_year"),
        ("times_cited", "times_cited_pubmed", "times_cited_occ"),
    ),
)

ROLLUPS = (
    Rollup(
        "term_pairs",
        ("descriptor_name", "co_descriptor_name"),
        ("term_pair_years",),
        Span(("article_count", "both_major_article_count"), "pub_year", "first_year", "last_year"),
    ),
    Rollup("authors", ("author_key", "is_orcid"), ("author_years", "author_spellings")),
    Rollup(
        "cited_articles",
        ("cited_pmid",),
        ("cited_by_year",),
        Span(
            ("times_cited", "times_cited_pubmed", "times_cited_occ"),
            "citing_pub_year",
            "first_cited_year",
            "last_cited_year",
        ),
    ),
)

VOCABULARY = frozenset(
    {"article_mesh_headings", "mesh_node_years", "mesh_descriptor_years", "mesh_action_years"}
)
"""Aggregates that read the MeSH vocabulary and the UIs on the articles' rows."""
CITATIONS = frozenset({"article_citations", "cited_by_year"})
"""Aggregates that read the Open Citation Collection (`occ_links`) besides the articles' rows."""
AUTHOR_COUNTS = frozenset({"author_years", "author_spellings"})
"""Counts read from `agg_keyed_authors` (built by `sql/aggregates/keyed_authors.sql`)."""

PENDING = "pending_aggregates"
"""Articles whose contribution is not added yet (`add` with `defer`; `settle` adds them)."""

DICTIONARIES = (("descriptor_uis", ("descriptor_name",)), ("substance_names", ("substance_name",)))
"""Name -> UI tables, (name, key columns), refreshed from the rows each file inserts."""

OVERLAID = frozenset({"agg_cited_by_year", "agg_cited_articles"})
"""Aggregates kept as a view over two tables (`stored_tables`): `_settled`, rewritten only by a
fold, and `_recent`, the whole rows files changed since (the view reads a key's row there when
it holds one). A file's citations reach cited PMIDs all over these tables, so in one table each
file's change would be written in place (pinning memory per touched vector, more than
`memory.REWRITE_ABOVE_MIB` in a large warehouse) or by writing the table anew (43 million rows
at 10 million articles): a cost growing with the warehouse. Kept apart, a file writes only its
keys' rows into `_recent`; once that passes `FOLD_SHARE` of `_settled`, a fold writes
`_settled` anew with them (`_fold`), once every so many files."""

FOLD_SHARE = 0.05
"""An overlaid aggregate is folded once its `_recent` rows pass this share of `_settled`'s."""


def subtract(
    con: duckdb.DuckDBPyConnection,
    pmids_sql: str,
    at: datetime,
    only: frozenset[str] | None = None,
) -> None:
    """Take out the contribution of the articles `pmids_sql` selects, before they are removed
    (or, with `only`, before rows of theirs that those aggregates read change).

    An article whose add is pending (`PENDING`) has no contribution to take out; once removed
    (`only` None) it is no longer pending: a file that inserts it again adds it again.
    """
    selected = _select_articles(con, pmids_sql)
    if only is None and _has_pending(con):
        con.execute(f"delete from {PENDING} where pmid in ({pmids_sql})")
    if not selected:
        return
    _count_contributions(con, sign=-1, only=only)
    for name in _selected(ARTICLE_TABLES, only):
        con.execute(f"delete from agg_{name} where pmid in (select pmid from agg_pmids)")


def add(
    con: duckdb.DuckDBPyConnection,
    pmids_sql: str,
    at: datetime,
    only: frozenset[str] | None = None,
    *,
    defer: bool = False,
) -> None:
    """Put in the contribution of the articles `pmids_sql` selects, just after their insert
    (or, with `only`, after rows of theirs that those aggregates read changed).

    With `defer` the articles are only noted in `PENDING`, for `settle` to add with those of
    other files; an article already pending is left to `settle` (which reads its rows then).
    """
    if defer and only is None:
        con.execute(f"insert into {PENDING} select pmid from ({pmids_sql})")
        return
    if _select_articles(con, pmids_sql):
        _add_selected(con, at, only)


def settle(con: duckdb.DuckDBPyConnection) -> int:
    """Add the contribution of every pending article (`add` with `defer`) and merge it, in one
    transaction that also empties `PENDING` (retried with more memory as a file's is); how
    many articles were pending.

    A writer run settles whenever `PENDING` passes its bound (`warehouse.loading.load`) and
    when it closes, before it publishes the readers' copy (`warehouse.runs.writer`); the
    writer's connection settles what a stopped run left when it opens (`warehouse.db`).
    """
    pending = pending_articles(con)
    if not pending and not pending_changes(con):
        return 0
    within_memory(con, lambda: _settle_pending(con), "the aggregates' pending adds")
    return pending


def settled_or_kept_pending(con: duckdb.DuckDBPyConnection) -> bool:
    """`settle`, or on a DuckDB error (a storage fault) roll back and log it: the adds stay
    pending, exactly recorded, for the next settle (the run's close or the next writer; the
    readers' copy is not published meanwhile). Whether it settled."""
    try:
        settle(con)
    except duckdb.Error as exc:
        rollback_quietly(con)
        log.warning("the aggregates' pending adds were not settled: %s", exc)
        return False
    return True


def _settle_pending(con: duckdb.DuckDBPyConnection) -> None:
    at = datetime.now()
    with transaction(con):
        _create_deltas(con)
        kept = _take_pending_changes(con)
        con.execute(
            "create or replace temp table agg_pmids as select pmid, pub_year from articles "
            f"where pmid in (select pmid from {PENDING})"
        )
        _add_selected(con, at, None)
        apply(con, at)
        con.execute(f"delete from {PENDING}")
        if kept:
            _empty_pending_changes(con)


def pending_change_table(counts: Counts) -> str:
    """The table keeping a counts aggregate's change not merged yet (`keep_pending`)."""
    return f"pending_{counts.table}"


def keep_pending(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the change of the open transaction's `subtract`s (the counts taken out with the
    articles it removed) in the pending change tables instead of merging it, for `settle`
    to merge with the adds left pending (a chunk of a file applied in chunks: its file's change
    is merged once, after its last chunk, not once per chunk).

    Per-article aggregates follow their PMIDs at once; only the counts (and the rollups and
    dictionaries drawn from them at the merge) wait. Adds must be deferred (`add` with
    `defer`): an add's change is not kept here.
    """
    _create_deltas(con)
    if con.execute("select exists (from agg_added)").fetchone()[0]:
        raise ValueError("keep_pending keeps subtracts only: defer the adds")
    for counts in COUNTS:
        con.execute(f"insert into {pending_change_table(counts)} select * from delta_{counts.name}")
    _drop_file_tables(con)


def pending_changes(con: duckdb.DuckDBPyConnection) -> int:
    """Rows of counts changes kept pending (`keep_pending`), all aggregates."""
    return con.execute(f"select count(*) from ({pending_changes_sql()})").fetchone()[0]


def pending_changes_sql() -> str:
    """A query of the pending change rows: the aggregate each would change."""
    return " union all ".join(
        f"select {literal(counts.table)} as aggregate from {pending_change_table(counts)}"
        for counts in COUNTS
    )


def _take_pending_changes(con: duckdb.DuckDBPyConnection) -> bool:
    """Append the pending changes to the change tables, summed per key (one batch: what
    several chunks took out, netted); whether there were any."""
    taken = False
    for counts in COUNTS:
        table = pending_change_table(counts)
        if con.execute(f"select exists (from {table})").fetchone()[0]:
            sums = ", ".join(f"sum({c})::bigint" for c in counts.counts)
            con.execute(
                f"insert into delta_{counts.name} select {', '.join(counts.keys)}, {sums} "
                f"from {table} group by all"
            )
            con.execute("insert into agg_batches values (?)", [counts.name])
            taken = True
    return taken


def _empty_pending_changes(con: duckdb.DuckDBPyConnection) -> None:
    """Make the pending change tables anew, empty (dropping a table pins nothing; deleting
    every row pins memory per block until the commit)."""
    for counts in COUNTS:
        table = pending_change_table(counts)
        con.execute(f"drop table if exists {table}")
        con.execute(read_sql(f"tables/{table}.sql"))


def pending_articles(con: duckdb.DuckDBPyConnection) -> int:
    """How many articles' contribution to the aggregates is not added yet."""
    return con.execute(f"select count(*) from {PENDING}").fetchone()[0]


def pending_note(con: duckdb.DuckDBPyConnection) -> str | None:
    """What is pending for the aggregates and what to do, or None when nothing is (nor for a
    warehouse made before adds were batched, which has no such tables)."""
    existing = main_tables(con)
    tables = [PENDING, *(pending_change_table(counts) for counts in COUNTS)]
    if not existing.issuperset(tables):
        return None
    articles, changes = pending_articles(con), pending_changes(con)
    if not articles and not changes:
        return None
    lacking = [f"the contribution of {articles:,} articles"] if articles else []
    if changes:
        lacking.append(f"{changes:,} changes of articles a file applied in chunks removed")
    return (
        f"the aggregates lack {' and '.join(lacking)} (a writer run was stopped before adding "
        "them): the next command that writes the warehouse (`load`, `sync`, `fetch`) adds them "
        "first; until then the aggregates and the views on them are not up to date and the "
        "readers' copy is not published"
    )


def _has_pending(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute(f"select exists (from {PENDING})").fetchone()[0]


def _add_selected(
    con: duckdb.DuckDBPyConnection, at: datetime, only: frozenset[str] | None
) -> None:
    """Put in the contribution of the articles in `agg_pmids`."""
    for name in _selected(ARTICLE_TABLES, only):
        con.execute(
            f"insert into agg_{name} select *, ? from ({read_sql(_contribution(name))})", [at]
        )
    _count_contributions(con, sign=1, only=only)
    if only is None:
        con.execute("insert into agg_added select pmid from agg_pmids")


def refresh_vocabulary(con: duckdb.DuckDBPyConnection, at: datetime) -> None:
    """Recompute the aggregates that read the MeSH vocabulary, for every article (in the open
    transaction of a vocabulary load). Their old rows go: a readers' copy is rebuilt after a
    vocabulary load (`warehouse.readers.catchup`)."""
    for name in VOCABULARY:
        con.execute(f"delete from agg_{name}")
    add(con, "select pmid from articles", at, only=VOCABULARY)
    _create_deltas(con)
    for counts in _selected(COUNTS, VOCABULARY):
        _merge_counts(con, counts, at)
    _drop_file_tables(con)


def refresh_citations(con: duckdb.DuckDBPyConnection, at: datetime) -> None:
    """Recompute the citation aggregates for every article (in the open transaction of an Open
    Citation Collection load, after `occ_links` was replaced). Their tables are dropped and
    created again rather than emptied: deleting every row would pin memory per block until the
    commit. A readers' copy is rebuilt after it (`warehouse.readers.catchup`)."""
    for name in (*CITATIONS, "cited_articles"):
        for table in stored_tables(f"agg_{name}"):
            con.execute(f"drop table {table}")
            con.execute(read_sql(f"tables/{table}.sql"))
    add(con, "select pmid from articles", at, only=CITATIONS)
    _create_deltas(con)
    for counts in _selected(COUNTS, CITATIONS):
        _merge_counts(con, counts, at)
    for rollup in ROLLUPS:
        if set(rollup.sources) <= CITATIONS:
            _refresh_rollup(con, rollup, at)
    _drop_file_tables(con)


def _selected(items, only: frozenset[str] | None) -> list:
    """The aggregates (names or `Counts`) of ITEMS that `only` names; all when it is None."""
    return [i for i in items if only is None or getattr(i, "name", i) in only]


def apply(con: duckdb.DuckDBPyConnection, at: datetime) -> None:
    """Merge the net change of the file's `subtract`s and `add`s into the aggregate tables
    (nothing to do for a file whose adds are all deferred and that removes nothing)."""
    _create_deltas(con)
    if not con.execute("select exists (from agg_batches)").fetchone()[0]:
        _drop_file_tables(con)
        return
    for counts in COUNTS:
        _merge_counts(con, counts, at)
    for rollup in ROLLUPS:
        _refresh_rollup(con, rollup, at)
    for name, keys in DICTIONARIES:
        _upsert(con, f"agg_{name}", keys, read_sql(f"aggregates/{name}.sql"), at)
    _drop_file_tables(con)


def _drop_file_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temp tables of the file's change."""
    for counts in COUNTS:
        con.execute(f"drop table if exists delta_{counts.name}")
        con.execute(f"drop table if exists net_{counts.name}")
    for table in (
        "agg_added",
        "agg_pmids",
        "agg_keyed_authors",
        "agg_touched",
        "agg_rollup_net",
        "agg_batches",
    ):
        con.execute(f"drop table if exists {table}")


def rebuild(con: duckdb.DuckDBPyConnection, at: datetime | None = None) -> None:
    """Recompute every aggregate table from the base tables, in one transaction (retried with
    more memory as a file's is: every article's contribution at once may not fit the load
    memory limit)."""
    at = at or datetime.now()
    within_memory(con, lambda: _rebuild(con, at), "rebuilding the aggregates")


def _rebuild(con: duckdb.DuckDBPyConnection, at: datetime) -> None:
    with transaction(con):
        for table in (*grain_keys(), PENDING):
            con.execute(f"delete from {table}")
        _empty_pending_changes(con)
        add(con, "select pmid from articles", at)
        apply(con, at)


def aggregate_tables() -> list[str]:
    """Every aggregate as readers query it (an `OVERLAID` one is a view)."""
    return list(_aggregate_keys())


def grain_keys() -> dict[str, tuple[str, ...]]:
    """Every table aggregates are stored in (`stored_tables`) and its grain key (key columns
    may be NULL: match null-safe).

    Tables keyed by `pmid` follow their articles: a removed PMID's rows are deleted, as in the
    base tables. Every other row, once written, stays (with zero counts when emptied).
    """
    return {
        stored: key for table, key in _aggregate_keys().items() for stored in stored_tables(table)
    }


def _aggregate_keys() -> dict[str, tuple[str, ...]]:
    keys = {f"agg_{name}": key for name, key in ARTICLE_TABLES.items()}
    keys |= {c.table: c.keys for c in COUNTS} | {r.table: r.keys for r in ROLLUPS}
    return keys | {f"agg_{name}": key for name, key in DICTIONARIES}


def _contribution(name: str) -> str:
    return f"aggregates/{name}.sql"


def _select_articles(con: duckdb.DuckDBPyConnection, pmids_sql: str) -> int:
    """Fill temp table `agg_pmids` (pmid, pub_year) with the articles selected whose add is not
    pending (those have no contribution yet, and `settle` reads their rows as they are then);
    how many."""
    _create_deltas(con)
    pending = f" and pmid not in (select pmid from {PENDING})" if _has_pending(con) else ""
    con.execute(
        "create or replace temp table agg_pmids as "
        f"select pmid, pub_year from articles where pmid in ({pmids_sql}){pending}"
    )
    return con.execute("select count(*) from agg_pmids").fetchone()[0]


def _create_deltas(con: duckdb.DuckDBPyConnection) -> None:
    """The file's change tables, created on first use in its transaction."""
    for counts in COUNTS:
        columns = ", ".join((*counts.keys, *counts.counts))
        con.execute(
            f"create temp table if not exists delta_{counts.name} as "
            f"select {columns} from {counts.table} limit 0"
        )
    con.execute("create temp table if not exists agg_added (pmid bigint)")
    con.execute("create temp table if not exists agg_batches (name varchar)")


def _count_contributions(
    con: duckdb.DuckDBPyConnection, sign: int, only: frozenset[str] | None
) -> None:
    """Append the selected articles' counts, times `sign`, to the change tables."""
    selected = _selected(COUNTS, only)
    if AUTHOR_COUNTS & {counts.name for counts in selected}:
        con.execute(read_sql("aggregates/keyed_authors.sql"))
    for counts in selected:
        signed = ", ".join(f"{sign} * {column}" for column in counts.counts)
        con.execute(
            f"insert into delta_{counts.name} "
            f"select {', '.join(counts.keys)}, {signed} "
            f"from ({read_sql(_contribution(counts.name))})"
        )
        con.execute("insert into agg_batches values (?)", [counts.name])


def _merge_counts(con: duckdb.DuckDBPyConnection, counts: Counts, at: datetime) -> None:
    """Add the file's net change to a counts table: kept keys incremented, new keys inserted.

    A change of one batch of articles is its net already (a contribution has one row per key,
    and its first count, a `count(*)`, is not zero; so have the pending changes, summed per key
    and all taken out): it is renamed, not summed again.
    """
    batches = con.execute(
        "select count(*) from agg_batches where name = ?", [counts.name]
    ).fetchone()[0]
    if batches == 1:
        con.execute(f"drop table if exists net_{counts.name}")
        con.execute(f"alter table delta_{counts.name} rename to net_{counts.name}")
    else:
        sums = ", ".join(f"sum({c})::bigint as {c}" for c in counts.counts)
        changed = " or ".join(f"sum({c}) != 0" for c in counts.counts)
        con.execute(
            f"create or replace temp table net_{counts.name} as "
            f"select {', '.join(counts.keys)}, {sums} from delta_{counts.name} "
            f"group by all having {changed}"
        )
    _upsert(con, counts.table, counts.keys, f"from net_{counts.name}", at, counts.counts)


def _refresh_rollup(con: duckdb.DuckDBPyConnection, rollup: Rollup, at: datetime) -> None:
    """Roll up a rollup's rows for the keys whose counts the file changed: from the kept row
    and the net change where its span allows (`_widen_rollup`), else from the counts."""
    keys = ", ".join(rollup.keys)
    if rollup.span is None:
        touched = " union ".join(f"select {keys} from net_{source}" for source in rollup.sources)
    else:
        touched = _widen_rollup(con, rollup, rollup.span, at)
    con.execute(f"create or replace temp table agg_touched as {touched}")
    if con.execute("select count(*) from agg_touched").fetchone()[0]:
        _upsert(con, rollup.table, rollup.keys, read_sql(f"aggregates/{rollup.name}.sql"), at)


def _widen_rollup(con: duckdb.DuckDBPyConnection, rollup: Rollup, span: Span, at: datetime) -> str:
    """Write the rows of the keys whose net change lowers no year's first count as the kept row
    plus the net (sums added, years widened); the query selecting the other keys, which need
    recomputing (a year whose count falls may have been their first or last)."""
    keys = ", ".join(rollup.keys)
    (source,) = rollup.sources
    present = span.counts[0]
    sums = ", ".join(f"sum({c})::bigint as {c}" for c in span.counts)
    con.execute(
        f"create or replace temp table agg_rollup_net as select {keys}, {sums}, "
        f"min({span.year}) filter (where {present} > 0) as {span.first}, "
        f"max({span.year}) filter (where {present} > 0) as {span.last}, "
        f"bool_or({present} < 0) as recount from net_{source} group by {keys}"
    )
    _upsert(
        con,
        rollup.table,
        rollup.keys,
        "select * exclude (recount) from agg_rollup_net where not recount",
        at,
        span.counts,
        widens={span.first: "least", span.last: "greatest"},
    )
    return f"select {keys} from agg_rollup_net where recount"


def _upsert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    keys: tuple[str, ...],
    source: str,
    at: datetime,
    increments: tuple[str, ...] = (),
    widens: dict[str, str] | None = None,
) -> None:
    """Write the rows `source` selects (every column but `refreshed_at`) into `table` by key
    (into the stored tables of an `OVERLAID` one: `_upsert_overlaid`).

    Columns in `increments` are added to the kept row's values, those in `widens` combined with
    them by the function it names (`least`, `greatest`); the others replace them. An empty table
    keeps no rows: the rows are inserted. Otherwise the change is written in place (the kept
    rows found by one join on the key, then updated by row id) or, when in place it would pin
    more memory than `memory.rewrite_pays` allows (a change spread over a large table), by
    writing the table anew (`_rewrite`).
    """
    if table in OVERLAID:
        _upsert_overlaid(con, table, keys, source, at, increments, widens)
        return
    widens = widens or {}
    if not con.execute(f"select exists (from {table})").fetchone()[0]:
        con.execute(
            f"insert into {table} by name select incoming.*, $at as refreshed_at "
            f"from ({source}) as incoming",
            {"at": at},
        )
        return
    con.execute(f"create or replace temp table agg_incoming as {source}")
    changed = con.execute("select count(*) from agg_incoming").fetchone()[0]
    columns = [r[0] for r in con.execute("select * from agg_incoming limit 0").description]
    combined = {
        c: f"{{kept}}.{c} + {{incoming}}.{c}"
        if c in increments
        else f"{widens[c]}({{kept}}.{c}, {{incoming}}.{c})"
        if c in widens
        else f"{{incoming}}.{c}"
        for c in columns
        if c not in keys
    }
    if rewrite_pays(changed, table_rows(con).get(table, 0)):
        _rewrite(con, table, keys, combined, at)
    else:
        _update_in_place(con, table, keys, combined, at)
    con.execute("drop table agg_incoming")


def _upsert_overlaid(
    con: duckdb.DuckDBPyConnection,
    table: str,
    keys: tuple[str, ...],
    source: str,
    at: datetime,
    increments: tuple[str, ...],
    widens: dict[str, str] | None,
) -> None:
    """`_upsert` into an `OVERLAID` aggregate: the first rows go to `_settled`; later the kept
    rows of the changed keys that only `_settled` holds are copied into `_recent`, where the
    change is written as into any table; then the aggregate is folded when `_recent` has grown
    past `FOLD_SHARE` of `_settled`."""
    settled, recent = stored_tables(table)
    if not con.execute(f"select exists (from {table})").fetchone()[0]:
        _upsert(con, settled, keys, source, at, increments, widens)
        return
    con.execute(f"create or replace temp table agg_overlay_incoming as {source}")
    con.execute(
        f"insert into {recent} select settled.* from {settled} as settled "
        f"semi join agg_overlay_incoming as incoming on {_match('settled', 'incoming', keys)} "
        f"anti join {recent} as recent on {_match('settled', 'recent', keys)}"
    )
    _upsert(con, recent, keys, "from agg_overlay_incoming", at, increments, widens)
    con.execute("drop table agg_overlay_incoming")
    counts = dict(
        zip(
            stored_tables(table),
            con.execute(
                f"select (select count(*) from {settled}), (select count(*) from {recent})"
            ).fetchone(),
            strict=True,
        )
    )
    if counts[recent] > FOLD_SHARE * counts[settled]:
        _fold(con, table)


def _fold(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Write an `OVERLAID` aggregate's `_settled` anew with its `_recent` rows in place of the
    ones they replace, and make `_recent` anew, empty (in the open transaction)."""
    settled, recent = stored_tables(table)
    keys = grain_keys()[settled]
    rewritten = f"{settled}__rewritten"
    con.execute(f"drop table if exists {rewritten}")
    create_empty_like(con, settled, rewritten)
    con.execute(
        f"insert into {rewritten} select settled.* from {settled} as settled "
        f"anti join {recent} as recent on {_match('settled', 'recent', keys)}"
    )
    con.execute(f"insert into {rewritten} by name select * from {recent}")
    con.execute(f"drop table {settled}")
    con.execute(f"alter table {rewritten} rename to {settled}")
    con.execute(f"drop table {recent}")
    con.execute(read_sql(f"tables/{recent}.sql"))


def stored_tables(table: str) -> tuple[str, ...]:
    """The tables an aggregate's rows are stored in: its own, or an `OVERLAID` one's
    `_settled` and `_recent` (in that order)."""
    return (f"{table}_settled", f"{table}_recent") if table in OVERLAID else (table,)


def _update_in_place(
    con: duckdb.DuckDBPyConnection,
    table: str,
    keys: tuple[str, ...],
    combined: dict[str, str],
    at: datetime,
) -> None:
    """Update the kept rows of `agg_incoming`'s keys by row id, insert the others."""
    con.execute(
        "create or replace temp table agg_upsert as "
        "select incoming.*, kept.rowid as kept_row from agg_incoming as incoming "
        f"left join {table} as kept on {_match('kept', 'incoming', keys)}"
    )
    values = ", ".join(
        f"{c} = " + value.format(kept=table, incoming="u") for c, value in combined.items()
    )
    con.execute(
        f"update {table} set {values}, refreshed_at = $at "
        f"from agg_upsert as u where {table}.rowid = u.kept_row",
        {"at": at},
    )
    con.execute(
        f"insert into {table} by name select u.* exclude (kept_row), $at as refreshed_at "
        "from agg_upsert as u where u.kept_row is null",
        {"at": at},
    )
    con.execute("drop table agg_upsert")


def _rewrite(
    con: duckdb.DuckDBPyConnection,
    table: str,
    keys: tuple[str, ...],
    combined: dict[str, str],
    at: datetime,
) -> None:
    """Write `table` anew as its kept rows combined with `agg_incoming` by key (a full join:
    kept rows without a change as they are, changed ones combined, new keys inserted), then
    put the new table in its place. The same rows as `_update_in_place` writes, in the same
    transaction; nothing is pinned per vector."""
    rewritten = f"{table}__rewritten"
    con.execute(f"drop table if exists {rewritten}")
    create_empty_like(con, table, rewritten)
    present = "incoming.agg_changed"
    values = [f"case when {present} then incoming.{k} else kept.{k} end as {k}" for k in keys]
    values += [
        f"case when {present} is null then kept.{c} when kept.agg_kept is null then incoming.{c}"
        f" else {value.format(kept='kept', incoming='incoming')} end as {c}"
        for c, value in combined.items()
    ]
    untouched = set(columns_of(con, table)) - set(keys) - set(combined) - {"refreshed_at"}
    values += [f"kept.{c}" for c in sorted(untouched)]
    values.append(f"case when {present} then $at else kept.refreshed_at end as refreshed_at")
    con.execute(
        f"insert into {rewritten} by name select {', '.join(values)} "
        f"from (select *, true as agg_kept from {table}) as kept "
        "full join (select *, true as agg_changed from agg_incoming) as incoming "
        f"on {_match('kept', 'incoming', keys)}",
        {"at": at},
    )
    con.execute(f"drop table {table}")
    con.execute(f"alter table {rewritten} rename to {table}")


def _match(left: str, right: str, keys: tuple[str, ...]) -> str:
    """Join condition on a grain key; NULL matches NULL (pub_year is NULL for undated articles)."""
    return " and ".join(f"{left}.{k} is not distinct from {right}.{k}" for k in keys)


def create_schema_and_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schema; an existing warehouse lacking an aggregate table gets them built.

    Aggregates are derived data: one whose columns differ from `sql/tables/` is dropped and
    recomputed from the base tables, one that `sql/tables/` no longer defines is dropped.
    """
    store_sections_once(con)
    existing = main_tables(con)
    for table in OVERLAID & existing:  # stored in one table before: that is its `_settled`
        settled, _ = stored_tables(table)
        if settled not in existing:
            con.execute(f"alter table {table} rename to {settled}")
    existing = main_tables(con)
    for table in {t for t in existing if t.startswith("agg_")}:
        if table not in table_schemas() or columns_of(con, table) != list(table_schemas()[table]):
            con.execute(f'drop table "{table}"')
            existing.discard(table)
    create_schema(con)
    starts_empty = {stored_tables(table)[1] for table in OVERLAID}  # an empty `_recent` is whole
    if "articles" in existing and not existing.issuperset(set(grain_keys()) - starts_empty):
        rebuild(con)
