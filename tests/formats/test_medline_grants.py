"""MEDLINE `GR` lines by NLM's rule: corpus XML grants written as GR lines read back equal."""

from __future__ import annotations

import io
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import XML_FILES, corpus_files
from tests.formats.test_properties import PROPERTY
from warehouse.formats import medline, xml
from warehouse.inputs import open_input

Grant = tuple[str | None, str | None, str | None, str | None]


def _present(part: str | None) -> str | None:
    return part if part else None


@cache
def corpus_grants() -> tuple[Grant, ...]:
    """Every corpus XML `Grant` (xml/, pairs/) as (grant_id, acronym, agency, country)."""
    grants = []
    for path in XML_FILES + corpus_files("pairs", "*.xml"):
        with open_input(path) as stream:
            for batch in xml.parse(stream, 1000):
                grants.extend(tuple(row[2:]) for row in batch.rows["grants"])
    return tuple(grants)


def gr_line(grant: Grant) -> str:
    """The `GR` line NLM writes: absent parts left out; an empty country keeps its `/`."""
    grant_id, acronym, agency, country = grant
    parts = [p for p in (_present(grant_id), _present(acronym), agency) if p is not None]
    if country is not None:
        parts.append(country)
    return "/".join(parts)


def parse_gr(lines: list[str]) -> list[Grant]:
    """Grants the MEDLINE parser reads from one record holding these `GR` lines."""
    text = "PMID- 1\n" + "".join(f"GR  - {line}\n" for line in lines) + "TI  - T.\n"
    (batch,) = list(medline.parse(io.BytesIO(text.encode()), 1000))
    return [tuple(row[2:]) for row in sorted(batch.rows["grants"], key=lambda r: r[1])]


def expected(grant: Grant) -> Grant:
    """A grant as the warehouse stores it: empty parts are NULL."""
    return tuple(_present(part) for part in grant)


@pytest.mark.parametrize(
    ("line", "grant"),
    [
        # the lines split wrongly from the left before (no grant id; no acronym, empty country)
        (
            "DH_/Department of Health/United Kingdom",
            (None, "DH_", "Department of Health", "United Kingdom"),
        ),
        (
            "82204154/National Natural Science Foundation of China/",
            ("82204154", None, "National Natural Science Foundation of China", None),
        ),
        (
            "P30 CA006973/CA/NCI NIH HHS/United States",
            ("P30 CA006973", "CA", "NCI NIH HHS", "United States"),
        ),
        ("Intramural NIH HHS/United States", (None, None, "Intramural NIH HHS", "United States")),
        ("R01133890/PHS HHS/United States", ("R01133890", None, "PHS HHS", "United States")),
        # a grant id with slashes whose last part is one letter (Wellcome's XML says so)
        (
            "101835/Z/13/Z/Wellcome Trust/United Kingdom",
            ("101835/Z/13/Z", None, "Wellcome Trust", "United Kingdom"),
        ),
        (
            "MR/K01465X/1/Medical Research Council/United Kingdom",
            ("MR/K01465X/1", None, "Medical Research Council", "United Kingdom"),
        ),
        ("MOP-84443/CAPMC/CIHR/Canada", ("MOP-84443", "CAPMC", "CIHR", "Canada")),
        # NLM's intramural acronyms are mixed case
        (
            "Z01 ES044005/ImNIH/Intramural NIH HHS/United States",
            ("Z01 ES044005", "ImNIH", "Intramural NIH HHS", "United States"),
        ),
        (
            "ImFDA/Intramural FDA HHS/United States",
            (None, "ImFDA", "Intramural FDA HHS", "United States"),
        ),
        # no country at all: the last part is the agency
        ("CA 12345/CA/NCI NIH HHS", ("CA 12345", "CA", "NCI NIH HHS", None)),
        ("Wellcome Trust", (None, None, "Wellcome Trust", None)),
    ],
)
def test_gr_parts_are_recognised_by_what_they_hold(line: str, grant: Grant) -> None:
    assert parse_gr([line]) == [grant]


def test_every_corpus_xml_grant_reads_back_from_its_gr_line() -> None:
    grants = corpus_grants()
    assert len(grants) > 500
    assert {g[0] is None for g in grants} == {True, False}  # with and without a grant id
    assert parse_gr([gr_line(g) for g in grants]) == [expected(g) for g in grants]


@PROPERTY
@given(
    grant=st.sampled_from(corpus_grants()),
    keep=st.tuples(st.booleans(), st.booleans(), st.sampled_from(["kept", "dropped", "empty"])),
)
def test_gr_round_trip_with_parts_left_out(grant: Grant, keep: tuple[bool, bool, str]) -> None:
    """A corpus grant with any of its optional parts left out, as NLM writes it, reads back."""
    keep_id, keep_acronym, country = keep
    grant_id, acronym, agency, country_name = grant
    shaped = (
        grant_id if keep_id else None,
        acronym if keep_acronym else None,
        agency,
        {"kept": country_name, "dropped": None, "empty": ""}[country],
    )
    assert parse_gr([gr_line(shaped)]) == [expected(shaped)]


INTRAMURAL = {
    "Z01 ES044005/ImNIH/Intramural NIH HHS/United States": (
        "<Grant><GrantID>Z01 ES044005</GrantID><Acronym>ImNIH</Acronym>"
        "<Agency>Intramural NIH HHS</Agency><Country>United States</Country></Grant>"
    ),
    "ZIA BC010283/ImNCI/Intramural NCI NIH HHS/United States": (
        "<Grant><GrantID>ZIA BC010283</GrantID><Acronym>ImNCI</Acronym>"
        "<Agency>Intramural NCI NIH HHS</Agency><Country>United States</Country></Grant>"
    ),
    "ImFDA/Intramural FDA HHS/United States": (
        "<Grant><Acronym>ImFDA</Acronym><Agency>Intramural FDA HHS</Agency>"
        "<Country>United States</Country></Grant>"
    ),
}


def test_intramural_grants_read_the_same_from_xml_and_medline(corpus) -> None:
    """A corpus record's GrantList holding NLM's mixed-case intramural acronyms, in both formats."""
    record = (corpus / "pairs/1596022/1596022.xml").read_text(encoding="utf-8")
    start, end = record.index("<GrantList"), record.index("</GrantList>")
    grants = "".join(INTRAMURAL.values())
    intramural = record[:start] + f'<GrantList CompleteYN="Y">{grants}' + record[end:]
    (batch,) = list(xml.parse(io.BytesIO(intramural.encode()), 1000))
    from_xml = [tuple(row[2:]) for row in sorted(batch.rows["grants"], key=lambda r: r[1])]
    assert [g[1] for g in from_xml] == ["ImNIH", "ImNCI", "ImFDA"]
    assert parse_gr(list(INTRAMURAL)) == from_xml
