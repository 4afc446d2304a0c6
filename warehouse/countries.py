"""Country names as written in affiliations, each mapped to one country (ISO 3166 via pycountry).

The names are ISO 3166's (short, official and common names, lowercased) plus the spellings
PubMed affiliations use that ISO does not (`USA`, `UK`, `P.R. China`, ...) and the US states'
names (US affiliations often end with the state). The report's
`top_countries.sql` joins affiliation parts to this table.
"""

from __future__ import annotations

import polars as pl
import pycountry

UNITED_STATES = "United States"
# Spellings seen in PubMed affiliations, beyond ISO 3166's names, and the ISO alpha-2 they mean.
ALIASES = {
    "US": ("usa", "u.s.a", "u.s", "united states of america", "america"),
    "GB": ("uk", "u.k", "england", "scotland", "wales", "northern ireland", "great britain"),
    "CN": ("p.r. china", "pr china", "p. r. china", "people's republic of china", "prc"),
    "KR": ("korea", "republic of korea", "south korea", "korea (south)"),
    "TW": ("taiwan", "taiwan, roc", "republic of china"),
    "IR": ("iran",),
    "RU": ("russia",),
    "NL": ("the netherlands", "holland"),
    "CZ": ("czech republic",),
    "TR": ("turkey",),
    "VN": ("vietnam",),
}


def country_display_name(country: pycountry.db.Country) -> str:
    """The name a reader expects: ISO's common name where it has one (`Iran`, `South Korea`)."""
    if country.alpha_2 == "US":
        return UNITED_STATES
    return getattr(country, "common_name", None) or country.name


def country_names() -> pl.DataFrame:
    """One row per lowercased spelling (`name`) and the country it names (`country`)."""
    rows: dict[str, str] = {}
    for country in pycountry.countries:
        shown = country_display_name(country)
        for attribute in ("name", "official_name", "common_name"):
            spelled = getattr(country, attribute, None)
            if spelled:
                rows.setdefault(spelled.lower(), shown)
        for alias in ALIASES.get(country.alpha_2, ()):
            rows.setdefault(alias, shown)
    for state in pycountry.subdivisions.get(country_code="US"):
        rows.setdefault(state.name.lower(), UNITED_STATES)
    return pl.DataFrame(
        {"name": list(rows), "country": list(rows.values())},
        schema={"name": pl.String, "country": pl.String},
    )
