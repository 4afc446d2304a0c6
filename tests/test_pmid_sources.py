"""PMIDs for `fetch` from arguments, PMID lists and PubMed's CSV and Summary saves."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS
from warehouse.errors import PmidSourceError
from warehouse.sources.pmid_sources import collect_pmids, pmids_from_file, source_kind

EXPORTS = CORPUS / "exports/p1m-ortho"


@pytest.mark.parametrize(
    ("name", "kind", "count", "first", "last"),
    [
        ("csv-2020dpspre-set.csv", "csv", 532, 32169119, 31968702),
        ("csv-googletipa-set.csv", "csv", 51, 29906016, 20866299),
        ("pubmed_result_44.csv", "legacy-csv", 44, 31352693, 31351454),
        ("summary-systematic-set_2020-09-13_148.txt", "summary", 148, 32921002, 32916826),
        ("summary-systematic-set_2020-11-08_180.txt", "summary", 180, 33161643, 33157907),
        ("pubmed_result_13950.txt", "pmid-list", 13950, 30851372, 19866906),
        ("pubmed_result_217.txt", "pmid-list", 217, 30149154, 7092751),
    ],
)
def test_real_pubmed_saves_give_their_pmids_in_order(
    name: str, kind: str, count: int, first: int, last: int
) -> None:
    path = EXPORTS / name
    assert source_kind(path.read_text(encoding="utf-8")) == kind
    pmids = pmids_from_file(path)
    assert (len(pmids), len(set(pmids)), pmids[0], pmids[-1]) == (count, count, first, last)


def test_a_summary_pmid_wrapped_onto_the_next_line_is_read() -> None:
    text = (EXPORTS / "summary-systematic-set_2020-09-13_148.txt").read_bytes()
    split = [r for r in text.split(b"\r\n\r\n") if b"PMID:\r\n" in r]
    assert len(split) == 23
    pmids = set(pmids_from_file(EXPORTS / "summary-systematic-set_2020-09-13_148.txt"))
    for record in split:
        number = record.rsplit(b"PMID:\r\n", 1)[1].strip().rstrip(b".").split()[0]
        assert int(number) in pmids


def test_a_summary_record_cites_other_pmids_only_its_own_counts(tmp_path: Path) -> None:
    path = tmp_path / "summary.txt"
    path.write_text(
        "1: Doe J. A reply. J Test. 2020;1:2. Comment on: J Test. 2019;1:1. PMID: 111.\r\n"
        "PMID: 222.\r\n\r\n2: Roe R. Title. J Test. 2020.\r\nPMID: 333.",
        encoding="utf-8",
    )
    assert pmids_from_file(path) == [222, 333]


def test_arguments_mix_pmids_and_files_each_pmid_once(tmp_path: Path) -> None:
    listed = tmp_path / "pmids.txt"
    listed.write_text("30514039\n\n 28848226\r\n30514039\n")
    assert collect_pmids(["17630804", str(listed), "28848226"]) == [17630804, 30514039, 28848226]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("30514039\nPMC5996113\n", "entry 2 is not a PMID: 'PMC5996113'"),
        ("", "holds no PMID"),
        ("0\n", "entry 1 is not a PMID: '0'"),
        ('PMID,Title\n"12","a"\n"x1","b"\n', "entry 2 is not a PMID: 'x1'"),
        ("1: Doe J. Title. J Test. 2020.\n\n2: Roe R. Other. PMID: 5.", "has no PMID"),
    ],
)
def test_a_file_with_something_else_than_pmids_is_refused(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "input.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PmidSourceError, match=message):
        pmids_from_file(path)


def test_bytes_that_are_not_utf8_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes('PMID,Title\n"12","Gallè"\n'.encode("latin-1"))
    with pytest.raises(PmidSourceError, match="not UTF-8"):
        pmids_from_file(path)


def test_an_argument_that_is_neither_or_both_is_refused(tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(PmidSourceError, match="neither a PMID"):
        collect_pmids([str(tmp_path / "missing.txt")])
    monkeypatch.chdir(tmp_path)
    Path("12345").write_text("678\n")
    with pytest.raises(PmidSourceError, match=r"write \./12345"):
        collect_pmids(["12345"])
    assert collect_pmids(["./12345"]) == [678]
