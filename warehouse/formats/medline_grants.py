"""MEDLINE `GR` lines by NLM's rule: `GrantID/Acronym/Agency/Country`, absent parts left out.

The number of parts does not say which are there (`DH_/Department of Health/United Kingdom`
has no grant id, `82204154/National Natural Science Foundation of China/` no acronym and an
empty country), so each part is recognised by what NLM writes in it, from the right:

- the country is the last part when it is empty (NLM keeps the `/` of an empty country) or one
  of the country names NLM uses; otherwise the line has no country;
- the agency comes next: NLM requires it (`Grant (GrantID?, Acronym?, Agency, Country?)`), so
  it is always there;
- before it, an acronym is a code of two or more capitals or underscores without digits (`CA`,
  `NULL`, `DH_`, `WT_`); grant ids hold digits. A single letter is not an acronym: Wellcome's
  `101835/Z/13/Z/Wellcome Trust/United Kingdom` is grant id `101835/Z/13/Z` in its XML;
- what is left is the grant id, slashes and all (`MR/K01465X/1`, `MC_UU_12015/5`).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

ACRONYM = r"^[A-Z][A-Z_]+$"
COUNTRIES = tuple(
    Path(__file__).with_name("grant_countries.txt").read_text(encoding="utf-8").splitlines()
)
"""Country names as NLM writes them in `Grant/Country` (and `International`), one a line."""


def grant_columns(value: pl.Expr) -> dict[str, pl.Expr]:
    """`grant_id`, `acronym`, `agency`, `country` of a `GR` value, each NULL when absent."""
    parts = value.str.split("/").list.eval(pl.element().str.strip_chars())
    last = parts.list.last()
    has_country = (parts.list.len() >= 2) & ((last == "") | last.is_in(COUNTRIES))
    rest = pl.when(has_country).then(parts.list.head(parts.list.len() - 1)).otherwise(parts)
    before_agency = rest.list.head(rest.list.len() - 1)
    candidate = before_agency.list.last()
    is_acronym = candidate.str.contains(ACRONYM).fill_null(False)
    id_parts = (
        pl.when(is_acronym)
        .then(before_agency.list.head(before_agency.list.len() - 1))
        .otherwise(before_agency)
    )
    return {
        "grant_id": _blank_null(id_parts.list.join("/")),
        "acronym": pl.when(is_acronym).then(candidate),
        "agency": _blank_null(rest.list.last()),
        "country": _blank_null(pl.when(has_country).then(last)),
    }


def _blank_null(part: pl.Expr) -> pl.Expr:
    """A part, NULL when empty."""
    return pl.when(part != "").then(part)
