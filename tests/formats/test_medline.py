"""The MEDLINE parser against real NCBI exports: counts from the tag lines, exact values, edges."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests.conftest import CORPUS, corpus_files
from warehouse.formats import medline
from warehouse.formats.records import ParsedBatch
from warehouse.formats.registry import detect_format
from warehouse.loading.load import load_file

MEDLINE_FILES = corpus_files("medline", "*.txt", "*.nbib") + corpus_files(
    "pairs", "*.nbib", "*.medline.txt", "pubmed_result.txt"
)
BOOK_FILE = CORPUS / "medline/zotero/testcase01_8692918_21249755.nbib"
RESULT3 = CORPUS / "medline/biopython/pubmed_result3.txt"


def parse_bytes(data: bytes, batch_size: int = 2000) -> list[ParsedBatch]:
    return list(medline.parse(io.BytesIO(data), batch_size))


def rows_of(batches: list[ParsedBatch]) -> dict[str, list[tuple]]:
    merged: dict[str, list[tuple]] = {}
    for batch in batches:
        for table, rows in batch.rows.items():
            merged.setdefault(table, []).extend(rows)
    return merged


def tag_count(text: str, tag: str) -> int:
    return len(re.findall(rf"^{tag} *- ", text, re.MULTILINE))


@pytest.mark.parametrize("path", MEDLINE_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_rows_match_the_tag_lines(path: Path) -> None:
    """Records, headings, publication types and RN lines, counted from the text itself."""
    text = path.read_bytes().decode("utf-8")
    assert detect_format(path.read_bytes()[:65536]) == "medline"
    batches = parse_bytes(path.read_bytes())
    rows = rows_of(batches)
    assert sum(b.records for b in batches) == tag_count(text, "PMID")
    assert not any(b.rejects for b in batches)
    assert len(rows["articles"]) == len({r[0] for r in rows["articles"]}) == tag_count(text, "PMID")
    assert len({(r[0], r[1]) for r in rows["terms"]}) == tag_count(text, "MH")
    assert len(rows["publication_types"]) == tag_count(text, "PT")
    chemicals = len(rows["substances"]) + len(rows["supplementary_concepts"])
    assert chemicals == tag_count(text, "RN") + tag_count(text, "NM")
    people = tag_count(text, "FAU") + tag_count(text, "CN") + tag_count(text, "FIR")
    assert len(rows["authors"]) >= people


def test_every_medline_file_loads_without_reject(fresh_db) -> None:
    for path in MEDLINE_FILES:
        result = load_file(fresh_db, path)
        assert (result.status, result.rejected) in (("loaded", 0), ("already-loaded", 0)), path
    assert fresh_db.execute("select count(*) from rejects").fetchone()[0] == 0


def test_book_chapter_values() -> None:
    rows = rows_of(parse_bytes(BOOK_FILE.read_bytes()))
    chapter = next(r for r in rows["articles"] if r[0] == 21249755)
    assert chapter[2] == "Peutz-Jeghers Syndrome"  # title: TI
    assert chapter[5] == "Cancer Syndromes"  # journal_title: the book (BTI)
    assert chapter[23] is True  # is_book
    ids = sorted(r[1:] for r in rows["article_ids"] if r[0] == 21249755)
    assert ids == [("bookaccession", "NBK1826"), ("pubmed", "21249755")]
    authors = [r for r in rows["authors"] if r[0] == 21249755]
    text = BOOK_FILE.read_text()
    record = text[text.index("PMID- 21249755") :]
    assert len(authors) == tag_count(record, "FAU")  # editors (FED/ED) are not authors
    assert authors[0][2:5] == ("Riegert-Johnson", "Douglas", "D")


def test_article_values_of_a_modern_record() -> None:
    rows = rows_of(parse_bytes(BOOK_FILE.read_bytes()))
    article = next(r for r in rows["articles"] if r[0] == 8692918)
    assert article[6] == "Proc Natl Acad Sci U S A"  # journal_abbrev: TA
    assert article[7] is None  # journal_iso: XML only
    assert article[14] == "1996 Jul 9"  # pub_date_raw: DP as written
    assert article[21] == "2013-11-21"  # date_revised: LR
    substances = [r for r in rows["substances"] if r[0] == 8692918]
    assert substances[0][2:] == ("0", None, "Aurovertins")
    assert substances[-1][2:] == ("EC 3.6.3.14", None, "Proton-Translocating ATPases")
    aurovertins = [r for r in rows["terms"] if r[0] == 8692918 and r[3] == "Aurovertins"]
    assert [(r[4], r[6], r[7]) for r in aurovertins] == [
        (False, "chemistry", True),
        (False, "metabolism", True),
    ]
    secondary = [r for r in rows["terms"] if r[3] == "Protein Structure, Secondary"]
    assert [(r[4], r[6], r[7]) for r in secondary] == [(True, None, None)]


def test_crlf_bom_leading_blank_and_no_final_blank_line_give_the_same_rows() -> None:
    original = RESULT3.read_bytes()
    variant = b"\xef\xbb\xbf\r\n\r\n" + original.replace(b"\n", b"\r\n").rstrip(b"\r\n")
    assert detect_format(variant) == "medline"
    assert rows_of(parse_bytes(variant)) == rows_of(parse_bytes(original))


def test_small_batches_give_the_same_rows() -> None:
    data = (CORPUS / "pairs/_sets/p1m-ortho/citations.nbib").read_bytes()
    small = parse_bytes(data, batch_size=7)
    assert max(b.records for b in small) <= 7
    assert sum(b.records for b in small) == 200
    assert rows_of(small) == rows_of(parse_bytes(data))


def test_record_without_pmid_is_rejected_alone() -> None:
    records = (CORPUS / "pairs/_sets/dreamytang/pubmed_result.txt").read_bytes()
    broken = re.sub(rb"PMID- 30037276\r?\n", b"", records)
    batches = parse_bytes(broken)
    assert [r.reason for b in batches for r in b.rejects] == [
        "record has no PMID line: it cannot be keyed; fix or drop the record"
    ]
    assert sum(len(b.rows["articles"]) for b in batches) == 6


def test_investigators_follow_the_authors() -> None:
    """No corpus record has IR lines: a real record with an investigator block added."""
    text = RESULT3.read_text()
    last_author = text.rindex("\nAU  - ")
    end = text.index("\n", last_author + 1)
    added = "\nFIR - Doe, Jane Q\nIR  - Doe JQ\nIRAD- Example Hospital, Springfield, USA."
    rows = rows_of(parse_bytes((text[:end] + added + text[end:]).encode()))
    authors = rows["authors"]
    assert [r[10] for r in authors] == [False] * (len(authors) - 1) + [True]
    assert authors[-1][1:5] == (len(authors), "Doe", "Jane Q", "JQ")
    assert rows["affiliations"][-1][1:4] == (len(authors), 1, "Example Hospital, Springfield, USA.")
