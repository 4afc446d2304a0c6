"""MEDLINE `GR` lines by NLM's rule: `GrantID/Acronym/Agency/Country`, absent parts left out.

The number of parts does not say which are there (`DH_/Department of Health/United Kingdom`
has no grant id, `82204154/National Natural Science Foundation of China/` no acronym and an
empty country), so each part is recognised by what NLM writes in it, from the right:

- the country is the last part when it is empty (NLM keeps the `/` of an empty country) or one
  of the country names NLM uses; otherwise the line has no country;
- the agency comes next: NLM requires it (`Grant (GrantID?, Acronym?, Agency, Country?)`), so
  it is always there;
- before it, an acronym is a code of two or more capitals or underscores without digits (`CA`,
  `NULL`, `DH_`, `WT_`), or an intramural one, `Im` before such a code (`ImNIH`, `ImFDA`,
  `ImCDC`: `Z01 ES044005/ImNIH/Intramural NIH HHS/United States`); grant ids hold digits. A
  single letter is not an acronym: Wellcome's `101835/Z/13/Z/Wellcome Trust/United Kingdom` is
  grant id `101835/Z/13/Z` in its XML;
- what is left is the grant id, slashes and all (`MR/K01465X/1`, `MC_UU_12015/5`).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

ACRONYM = r"^(?:Im)?[A-Z][A-Z_]+$"
"""NLM's grant acronyms: capitals and underscores, the intramural ones prefixed `Im`."""
COUNTRIES = tuple(
    Path(__file__).with_name("grant_countries.txt").read_text(encoding="utf-8").splitlines()
)
"""Country names as NLM writes them in `Grant/Country` (and `International`), one a line."""


def grant_columns(value: pl.Expr) -> dict[str, pl.Expr]:
    """`grant_id`, `acronym`, `agency`, `country` of a `GR` value, each NULL when absent.

    The value is split at `/` once; the agency's index is the last (or, with a country, the one
    before it); an acronym sits just before the agency; the grant id is every part before those.
    """
    parts = value.str.split("/")
    n = parts.list.len()
    last = parts.list.last().str.strip_chars()
    has_country = ((n >= 2) & ((last == "") | last.is_in(COUNTRIES))).fill_null(False)
    agency_at = n - 1 - has_country.cast(pl.UInt32)
    candidate = parts.list.get(agency_at - 1, null_on_oob=True).str.strip_chars()
    is_acronym = ((agency_at >= 1) & candidate.str.contains(ACRONYM)).fill_null(False)
    id_parts = agency_at - is_acronym.cast(pl.UInt32)
    return {
        "grant_id": _blank_null(parts.list.head(id_parts).list.join("/").str.strip_chars()),
        "acronym": pl.when(is_acronym).then(candidate),
        "agency": _blank_null(parts.list.get(agency_at).str.strip_chars()),
        "country": _blank_null(pl.when(has_country).then(last)),
    }


def _blank_null(part: pl.Expr) -> pl.Expr:
    """A part, NULL when empty."""
    return pl.when(part != "").then(part)
