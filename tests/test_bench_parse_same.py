"""The parser comparison of the bench: a revision's parser loads from git, equal readings agree,
and a changed value, a lost row or a different error is reported."""

from __future__ import annotations

import dataclasses
import shutil

import polars as pl
import pytest

from bench.parse_same import REPO, corpus_files, differences, parser_at, read
from tests.conftest import CORPUS
from warehouse.formats import xml

SAMPLE = CORPUS / "xml" / "zotero" / "testcase05_30714901.xml"


def test_head_parser_reads_as_the_working_tree() -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and this checkout's history (.git) to load a revision's parser")
    assert differences(read(parser_at("HEAD"), SAMPLE), read(xml.parse, SAMPLE)) == []


def test_corpus_files_leave_out_holdout() -> None:
    files = corpus_files()
    assert SAMPLE in files
    in_corpus = [path for path in files if path.is_relative_to(CORPUS)]
    assert in_corpus
    assert not [path for path in in_corpus if "holdout" in path.relative_to(CORPUS).parts]


def test_changed_value_is_reported() -> None:
    reading = read(xml.parse, SAMPLE)
    frames = dict(reading.frames)
    frames["references"] = frames["references"].with_columns(pl.col("position") + 1)
    changed = dataclasses.replace(reading, frames=frames)
    assert differences(reading, changed) == ["table references differs (rows 60 and 60)"]


def test_lost_rows_and_errors_are_reported() -> None:
    reading = read(xml.parse, SAMPLE)
    frames = {t: f.head(0) if t == "authors" else f for t, f in reading.frames.items()}
    broken = dataclasses.replace(reading, frames=frames, error="DamagedFile: cut short")
    found = differences(reading, broken)
    assert found[0].startswith("error: None != 'DamagedFile: cut short'")
    assert found[1].startswith("table authors differs (rows ")
    assert found[1].endswith(" and 0)")
