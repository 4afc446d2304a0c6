"""The example questions in sql/examples/: each answers exactly what the corpus XML says."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests import xml_facts as facts
from tests.conftest import REPO
from warehouse.cli import app
from warehouse.readers.snapshot import publish_snapshot

EXAMPLES = REPO / "sql" / "examples"


def run_example(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    return con.execute((EXAMPLES / f"{name}.sql").read_text(encoding="utf-8")).fetchall()


def with_descriptor(name: str) -> dict[int, object]:
    """Citations of the corpus indexed with a descriptor, by PMID."""
    return {
        pmid: citation
        for pmid, citation in facts.citations().items()
        if name in facts.descriptors(citation)
    }


def test_substances_for_descriptor(xml_corpus_db: duckdb.DuckDBPyConnection) -> None:
    counts: Counter[str] = Counter()
    years: dict[str, list[int]] = defaultdict(list)
    registry: dict[str, str] = {}
    for citation in with_descriptor("Lung Neoplasms").values():
        for name, number in facts.substances(citation).items():
            counts[name] += 1
            years[name].append(facts.pub_year(citation))
            registry[name] = number
    expected = sorted(
        ((n, registry[n], c, min(years[n]), max(years[n])) for n, c in counts.items()),
        key=lambda row: (-row[2], row[0]),
    )
    assert len(expected) > 20
    assert run_example(xml_corpus_db, "substances_for_descriptor") == expected


def test_descriptor_trend(xml_corpus_db: duckdb.DuckDBPyConnection) -> None:
    topic = with_descriptor("Lung Neoplasms")
    per_year = Counter(facts.pub_year(c) for c in facts.citations().values())
    # the one Bookshelf record of the corpus has no MedlineCitation; it is from 2001
    per_year[2001] += 1
    expected = [
        (
            year,
            sum(facts.pub_year(c) == year for c in topic.values()),
            sum(
                facts.pub_year(c) == year and facts.descriptors(c)["Lung Neoplasms"]
                for c in topic.values()
            ),
            per_year[year],
        )
        for year in sorted({facts.pub_year(c) for c in topic.values()})
    ]
    assert run_example(xml_corpus_db, "descriptor_trend") == expected


def test_top_journals(xml_corpus_db: duckdb.DuckDBPyConnection) -> None:
    by_journal: dict[tuple[str, str], list[int]] = defaultdict(list)
    for citation in with_descriptor("Protein Binding").values():
        by_journal[facts.journal(citation)].append(facts.pub_year(citation))
    expected = sorted(
        ((abbrev, title, len(ys), min(ys), max(ys)) for (abbrev, title), ys in by_journal.items()),
        key=lambda row: (-row[2], row[0]),
    )
    assert expected[0][:3] == ("J Biol Chem", "The Journal of biological chemistry", 16)
    assert run_example(xml_corpus_db, "top_journals") == expected


def test_coauthors_by_orcid(xml_corpus_db: duckdb.DuckDBPyConnection) -> None:
    orcid = "0000-0002-6496-9297"
    shared: Counter[tuple[str, str | None]] = Counter()
    for citation in facts.citations().values():
        listed = facts.authors(citation)
        if any(o == orcid for _, o in listed):
            shared.update({(name, o) for name, o in listed if o != orcid})
    expected = sorted(((n, o, c) for (n, o), c in shared.items()), key=lambda r: (-r[2], r[0]))
    assert ("Hsiung BK", "0000-0001-9657-3484", 1) in expected
    assert run_example(xml_corpus_db, "coauthors_by_orcid") == expected


def test_grants_by_agency(xml_corpus_db: duckdb.DuckDBPyConnection) -> None:
    grants: Counter[tuple[str, str]] = Counter()
    articles: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pmid, citation in with_descriptor("Lung Neoplasms").items():
        for grant in citation.iterfind("Article/GrantList/Grant"):
            key = (grant.findtext("Agency"), grant.findtext("Country"))
            grants[key] += 1
            articles[key].add(pmid)
    expected = sorted(
        ((a, c, n, len(articles[(a, c)])) for (a, c), n in grants.items()),
        key=lambda r: (-r[2], r[0], r[1]),
    )
    assert expected[0] == ("NCI NIH HHS", "United States", 35, 6)
    assert run_example(xml_corpus_db, "grants_by_agency") == expected


def test_corrections_and_retractions(xml_corpus_db: duckdb.DuckDBPyConnection) -> None:
    kinds = (
        "Erratum",
        "Retraction",
        "PartialRetraction",
        "ExpressionOfConcern",
        "Update",
        "Republished",
    )
    expected = sorted(
        (pmid, facts.title(citation), link.get("RefType"), int(link.findtext("PMID")), source)
        for pmid, citation in facts.citations().items()
        for link in citation.iterfind("CommentsCorrectionsList/CommentsCorrections")
        if link.get("RefType").startswith(kinds)
        and (source := link.findtext("RefSource")) is not None
    )
    assert {row[2] for row in expected} == {"ErratumIn", "ErratumFor", "UpdateIn"}
    assert run_example(xml_corpus_db, "corrections_and_retractions") == expected


@pytest.fixture(scope="module")
def corpus_snapshot(xml_corpus_db, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only snapshot of the corpus warehouse, which this process holds writable."""
    return publish_snapshot(xml_corpus_db, tmp_path_factory.mktemp("examples") / "s.duckdb")


def test_there_are_at_least_six_examples() -> None:
    assert len(list(EXAMPLES.glob("*.sql"))) >= 6


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.sql")), ids=lambda p: p.stem)
def test_example_runs_through_the_cli(path: Path, xml_corpus_db, corpus_snapshot: Path) -> None:
    result = CliRunner().invoke(
        app, ["query", "--db", str(corpus_snapshot), "--format", "csv", "--file", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == len(run_example(xml_corpus_db, path.stem)) + 1
