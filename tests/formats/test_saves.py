"""PubMed's CSV and Summary (text) saves: the real exports under `exports/`, checked against
what each file says itself (its other columns, its `PMID:` lines), and their detection."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from warehouse.errors import DamagedFile, UnsupportedFormat
from warehouse.formats import pubmed_csv, summary_text
from warehouse.formats.records import PARSED_COLUMNS, ParsedBatch
from warehouse.formats.registry import detect_format
from warehouse.inputs import read_head
from warehouse.loading.load import load_file

EXPORTS = CORPUS / "exports/p1m-ortho"
CURRENT_CSVS = [EXPORTS / "csv-2020dpspre-set.csv", EXPORTS / "csv-googletipa-set.csv"]
LEGACY_CSV = EXPORTS / "pubmed_result_44.csv"
SUMMARIES = sorted(EXPORTS.glob("summary-*.txt"))
PMID_LISTS = [EXPORTS / "pubmed_result_13950.txt", EXPORTS / "pubmed_result_217.txt"]


def parsed(parse, data: bytes, batch_size: int = 1000) -> tuple[dict[str, list[dict]], list]:
    """Rows per table as dicts, and the rejects, of every batch."""
    tables: dict[str, list[dict]] = {}
    rejects = []
    batches: list[ParsedBatch] = list(parse(io.BytesIO(data), batch_size))
    for batch in batches:
        rejects.extend(batch.rejects)
        for table, rows in batch.rows.items():
            names = PARSED_COLUMNS[table]
            tables.setdefault(table, []).extend(dict(zip(names, r, strict=True)) for r in rows)
    return tables, rejects


def csv_rows(path: Path) -> list[dict[str, str]]:
    """The save read by Python's own csv module (an independent reading)."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


@pytest.mark.parametrize("path", CURRENT_CSVS, ids=lambda p: p.name)
def test_current_csv_rows_match_its_own_columns(path: Path) -> None:
    rows = {int(r["PMID"]): r for r in csv_rows(path)}
    tables, rejects = parsed(pubmed_csv.parse, path.read_bytes(), batch_size=100)
    articles = {a["pmid"]: a for a in tables["articles"]}
    assert not rejects
    assert articles.keys() == rows.keys()
    for pmid, article in articles.items():
        row = rows[pmid]
        assert article["title"].removesuffix(".") == row["Title"].removesuffix(".")
        assert article["doi"] == (row["DOI"] or None)
        assert article["pmc_id"] == (row["PMCID"] or None)
        if article["is_book"]:
            assert article["journal_title"] == row["Journal/Book"]
        else:
            assert article["journal_abbrev"] == row["Journal/Book"]
            assert article["pub_date_raw"][:4] == row["Publication Year"]
    first_authors = {
        a["pmid"]: a for a in tables["authors"] if a["position"] == 1 and a["last_name"]
    }
    for pmid, author in first_authors.items():
        assert rows[pmid]["First Author"].startswith(f"{author['last_name']} {author['initials']}")
    entrez = {h["pmid"]: h["date"] for h in tables["history_dates"]}
    assert entrez == {p: r["Create Date"].replace("/", "-") for p, r in rows.items()}


def test_statpearls_chapter_in_a_csv_is_a_book() -> None:
    tables, _ = parsed(pubmed_csv.parse, CURRENT_CSVS[0].read_bytes())
    (book,) = [a for a in tables["articles"] if a["is_book"]]
    assert (book["pmid"], book["journal_title"], book["journal_abbrev"]) == (
        32150360,
        "StatPearls",
        None,
    )
    assert (book["article_date"], book["pub_date_raw"]) == ("2020-03-20", "2020 Jan")


def test_collective_names_and_suffixes_in_a_csv() -> None:
    tables, _ = parsed(pubmed_csv.parse, CURRENT_CSVS[0].read_bytes())
    authors = [a for a in tables["authors"] if a["pmid"] == 32214083]
    assert authors[-1]["collective_name"] == (
        "Public Health – Seattle & King County, EvergreenHealth, and CDC COVID-19 "
        "Investigation Team"
    )
    assert (authors[0]["last_name"], authors[0]["initials"]) == ("McMichael", "TM")
    longini = [a for a in tables["authors"] if a["last_name"] == "Longini"]
    assert {(a["initials"], a["suffix"]) for a in longini} == {("IM", "Jr")}


def test_legacy_csv_reads_its_own_columns() -> None:
    rows = {int(r["EntrezUID"]): r for r in csv_rows(LEGACY_CSV)}
    tables, rejects = parsed(pubmed_csv.parse, LEGACY_CSV.read_bytes())
    assert not rejects
    articles = {a["pmid"]: a for a in tables["articles"]}
    assert articles.keys() == rows.keys() and len(rows) == 44
    for pmid, article in articles.items():
        assert article["title"] == rows[pmid]["Title"]
        assert rows[pmid]["ShortDetails"].startswith(article["journal_abbrev"] + ".")
        assert f"first author:{article_first_author(tables, pmid)}" in rows[pmid]["Properties"]


def article_first_author(tables: dict[str, list[dict]], pmid: int) -> str:
    author = next(a for a in tables["authors"] if a["pmid"] == pmid and a["position"] == 1)
    return author["collective_name"] or f"{author['last_name']} {author['initials']}"


def test_legacy_csv_with_a_value_after_the_last_column_is_refused() -> None:
    data = LEGACY_CSV.read_bytes().replace(b'first author:Lin W",', b'first author:Lin W",x', 1)
    with pytest.raises(DamagedFile, match="after its last column"):
        list(pubmed_csv.parse(io.BytesIO(data), 1000))


def test_csv_row_with_a_bad_pmid_is_rejected_alone() -> None:
    data = CURRENT_CSVS[1].read_bytes().replace(b'"29906016"', b'"29906016x"', 1)
    tables, rejects = parsed(pubmed_csv.parse, data)
    assert [(r.position, r.reason) for r in rejects] == [
        (1, "PMID '29906016x' is not a positive whole number")
    ]
    assert len(tables["articles"]) == 50


def test_a_pmid_of_other_digits_is_rejected_not_a_crash() -> None:
    """Fullwidth digits are digits to a regex's `\\d`, not to a cast to a whole number."""
    fullwidth = "２９９０６０１６".encode()
    data = CURRENT_CSVS[1].read_bytes().replace(b'"29906016"', b'"' + fullwidth + b'"', 1)
    tables, rejects = parsed(pubmed_csv.parse, data)
    assert [(r.position, r.reason) for r in rejects] == [
        (1, "PMID '２９９０６０１６' is not a positive whole number")
    ]
    assert len(tables["articles"]) == 50
    summary = SUMMARIES[0].read_bytes()
    pmid = re.search(rb"PMID: (\d+)", summary).group(1)
    fullwidth = pmid.decode().translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    tables, rejects = parsed(summary_text.parse, summary.replace(pmid, fullwidth.encode(), 1))
    assert [r.reason for r in rejects] == [f"PMID '{fullwidth}' is not a positive whole number"]


@pytest.mark.parametrize("path", SUMMARIES, ids=lambda p: p.name)
def test_summary_records_match_their_pmid_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    pmids = [int(p) for p in re.findall(r"PMID:\s+(\d+)\.", text)]
    tables, rejects = parsed(summary_text.parse, path.read_bytes(), batch_size=50)
    assert not rejects
    assert [a["pmid"] for a in tables["articles"]] == pmids
    bare = re.sub(r"\s+", "", text)  # wrapped lines: compare without any white space
    for article in tables["articles"]:
        assert article["title"] and re.sub(r"\s+", "", article["title"]) in bare
        citation = f"{article['journal_abbrev']}.{article['pub_date_raw']}"
        assert re.sub(r"\s+", "", citation) in bare
        assert article["doi"] is None or f"doi:{article['doi']}." in bare
    assert len({a["pmid"] for a in tables["authors"]}) >= len(pmids) - 3


def test_summary_reads_wrapped_lines_split_pmids_and_names() -> None:
    tables, _ = parsed(summary_text.parse, SUMMARIES[0].read_bytes())
    articles = {a["pmid"]: a for a in tables["articles"]}
    assert articles[32920854]["title"] == (
        "Systematic review with meta-analysis: effectiveness of anti-inflammatory therapy in "
        "immune checkpoint inhibitor-induced enterocolitis."
    )
    assert articles[32920881]["doi"] == "10.1111/aor.13818"  # "PMID:" and number on two lines
    names = [(a["last_name"], a["initials"]) for a in tables["authors"] if a["pmid"] == 32920881]
    assert names[:3] == [("Podsiadło", "P"), ("Darocha", "T"), ("Svendsen", "ØS")]


def test_summary_record_without_authors_keeps_its_whole_title() -> None:
    tables, _ = parsed(summary_text.parse, SUMMARIES[1].read_bytes())
    article = next(a for a in tables["articles"] if a["pmid"] == 33157986)
    assert article["title"] == (
        "Dressing interventions to heal pressure ulcers: A protocol for an overview of "
        "systematic reviews and meta-analysis: Erratum."
    )
    assert article["journal_abbrev"] == "Medicine (Baltimore)"
    assert not [a for a in tables["authors"] if a["pmid"] == 33157986]


@pytest.mark.parametrize(
    ("path", "fmt"),
    [(p, "csv") for p in [*CURRENT_CSVS, LEGACY_CSV]] + [(p, "summary-text") for p in SUMMARIES],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_saves_are_detected_from_content(path: Path, fmt: str) -> None:
    assert detect_format(read_head(path)) == fmt


@pytest.mark.parametrize("path", PMID_LISTS, ids=lambda p: p.name)
def test_a_pmid_list_is_refused_with_a_pointer_to_fetch(path: Path) -> None:
    with pytest.raises(UnsupportedFormat, match="pubmed-warehouse fetch"):
        detect_format(read_head(path))


def test_other_csv_is_refused() -> None:
    with pytest.raises(UnsupportedFormat, match="CSV or Summary save"):
        detect_format(b"Search,Query,Items found,Time\r\n1,migraine,100,10:00:00\r\n")


@pytest.mark.parametrize("path", [*CURRENT_CSVS, LEGACY_CSV, *SUMMARIES], ids=lambda p: p.name)
def test_saves_load_without_rejects_and_twice_is_a_no_op(path: Path, fresh_db) -> None:
    first = load_file(fresh_db, path)
    assert (first.status, first.rejected) == ("loaded", 0)
    assert first.inserted == fresh_db.execute("select count(*) from articles").fetchone()[0] > 40
    assert load_file(fresh_db, path).status == "already-loaded"


def test_summary_record_without_pmid_or_citation_is_rejected_alone() -> None:
    data = SUMMARIES[0].read_bytes()
    data = data.replace(b"PMID: 32921002.", b"", 1)  # record 1 loses its PMID
    data = data.replace(b"Orthod Craniofac Res. 2020 Sep 13.", b"Orthod Craniofac Res", 1)
    tables, rejects = parsed(summary_text.parse, data)
    assert [(r.position, r.pmid, r.reason[:24]) for r in rejects] == [
        (1, None, "record has no PMID: it c"),
        (3, 32920986, "no citation line (`Journ"),
    ]
    assert len(tables["articles"]) == 146


def test_csv_row_without_a_citation_is_rejected() -> None:
    data = CURRENT_CSVS[1].read_bytes()
    data = data.replace(b'"Dermatol Online J. 2018 Apr 15;24(4):13030/qt6cz3q82h."', b'""', 1)
    tables, rejects = parsed(pubmed_csv.parse, data)
    assert [(r.position, r.pmid) for r in rejects] == [(1, 29906016)]
    assert "no citation line" in rejects[0].reason
    assert 29906016 not in {a["pmid"] for a in tables["articles"]}
