"""What PubMed's CSV and Summary saves hold, as rows: shared by `pubmed_csv` and `summary_text`.

Both saves carry, per article, the PMID, the title, the author list as PubMed shows it
(`Hill MK, Patel RR; Study Group.`) and the citation line (`FASEB J. 2008 Feb;22(2):338-42.
doi: 10.1096/fj.07-9492LSF. Epub 2007 Sep 20.`, or for a Bookshelf chapter `2020 Mar 20. In:
StatPearls [Internet]. Treasure Island (FL): StatPearls Publishing; 2020 Jan–.`). A parser
brings them to one frame (`SAVE_COLUMNS`); everything here is polars expressions over it.
"""

from __future__ import annotations

import hashlib

import polars as pl

from warehouse.formats.records import PARSED_COLUMNS, ParsedBatch, Reject

EXCERPT_CHARS = 300
YEAR = r"(?:1[5-9]|20)\d{2}"
JOURNAL_CITATION = (
    rf"(?P<journal>[^.?!]+?)\. (?P<date>{YEAR}\b[^;:.]*?)(?:;(?P<volume>[^(:.;]*))?"
    r"(?:\((?P<issue>[^)]*)\))?(?::(?P<pages>.+?))?\.(?:\s|$)"
)
"""`Journal. Date;Volume(Issue):Pages.` (the parts after the date are each optional). Pages are
as printed (`120-2, 174`, `919-23; discussion 923-4`); PubMed prints the electronic location
(`S0002-9149(20)30870-5`) there when an article has no pages."""
BOOK_CITATION = (
    rf"(?P<contribution>{YEAR}\b[^.]*)\. In: (?P<book>.+?)\. "
    rf"[^;]*; (?P<book_date>{YEAR}\b[^.]*?)[–-]?\."
)
"""`2020 Mar 20. In: StatPearls [Internet]. Place: Publisher; 2020 Jan–.`"""
DAY = rf"({YEAR}) ([A-Z][a-z]{{2}}) (\d{{1,2}})"
"""`2007 Sep 20`: an e-pub date or a chapter's contribution date."""
DOI = r"\bdoi: (\S+?)\.?(?:\s|$)"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PARTICLE = r"(?:de|da|do|dos|das|del|della|van|von|der|den|la|le|du)"
PERSON = rf"^(?P<last>.+?) (?P<initials>(?:\p{{Lu}}{PARTICLE} )?\p{{Lu}}{{1,4}})$"
"""`Last INITIALS`; NLM's initials keep a particle of the fore name (`Candel-Arenas Mde L`)."""
SUFFIX = r" (Jr|Sr|II|III|IV|2nd|3rd|4th)$"
SAVE_COLUMNS = {
    "position": pl.Int64,
    "raw": pl.String,
    "pmid_text": pl.String,
    "title": pl.String,
    "authors": pl.String,
    "citation": pl.String,
    "doi": pl.String,
    "pmc_id": pl.String,
    "nihms_id": pl.String,
    "create_date": pl.String,
}
"""The frame a save parser builds: one row per record; `create_date` is ISO `YYYY-MM-DD`."""


def save_batch(saves: pl.DataFrame) -> ParsedBatch:
    """The rows of a frame of saved records; a record that cannot be read whole is rejected."""
    saves = saves.with_columns(
        pl.col(c).str.strip_chars().replace("", None) for c in SAVE_COLUMNS if c != "position"
    ).with_columns(
        pmid=pl.col("pmid_text").str.extract(r"^([0-9]{1,18})$", 1).cast(pl.Int64),
        record_hash=pl.Series(
            [hashlib.blake2b(r.encode(), digest_size=16).hexdigest() for r in saves["raw"]],
            dtype=pl.String,
        ),
        **citation_columns(pl.col("citation")),
    )
    saves = saves.with_columns(reason=_reject_reason())
    batch = ParsedBatch()
    rejected = saves.filter(pl.col("reason").is_not_null())
    for position, raw, pmid, reason in rejected.select("position", "raw", "pmid", "reason").rows():
        batch.rejects.append(Reject(position, pmid, reason, raw[:EXCERPT_CHARS]))
    good = saves.filter(pl.col("reason").is_null())
    good = good.unique("pmid", keep="last", maintain_order=True)  # a repeated PMID: the later
    good = good.with_columns(doi=pl.coalesce("doi", "citation_doi"))  # the column, else the line
    tables = {
        "articles": good.with_columns(_article_columns()),
        "authors": author_rows(good),
        "article_ids": _article_ids(good),
        "history_dates": good.filter(pl.col("create_date").is_not_null()).select(
            "pmid", pub_status=pl.lit("entrez"), date="create_date"
        ),
    }
    for table, frame in tables.items():
        batch.rows[table] = frame.select(PARSED_COLUMNS[table]).rows()
    batch.records = saves.height
    return batch


def _reject_reason() -> pl.Expr:
    """Why a saved record cannot be loaded whole (NULL when it can)."""
    pmid_text = pl.col("pmid_text")
    return (
        pl.when(pmid_text.is_null())
        .then(pl.lit("record has no PMID: it cannot be keyed; save it again from PubMed"))
        .when(~(pl.col("pmid") > 0).fill_null(False))
        .then(pl.format("PMID '{}' is not a positive whole number", pmid_text.str.slice(0, 40)))
        .when(pl.col("journal_abbrev").is_null() & ~pl.col("is_book"))
        .then(
            pl.lit(
                "no citation line (`Journal. Year;Volume(Issue):Pages.` or a Bookshelf "
                "`Date. In: Book.`) found"
            )
        )
        .when(pl.col("title").is_null())
        .then(pl.lit("record has no title"))
    )


def citation_columns(citation: pl.Expr) -> dict[str, pl.Expr]:
    """Journal, date, volume, issue, pages, e-pub date and book parts of a citation line."""
    journal = citation.str.extract_groups("^" + JOURNAL_CITATION)
    book = citation.str.extract_groups("^" + BOOK_CITATION)
    is_book = book.struct.field("book").is_not_null()
    contribution = book.struct.field("contribution").str.extract_groups(rf"^{DAY}$")
    return {
        "journal_abbrev": journal.struct.field("journal"),
        "pub_date_raw": pl.coalesce(
            journal.struct.field("date").str.strip_chars(), book.struct.field("book_date")
        ),
        "volume": _blank_null(journal.struct.field("volume")),
        "issue": _blank_null(journal.struct.field("issue")),
        "pages": _blank_null(journal.struct.field("pages")),
        "article_date": pl.when(is_book)
        .then(_iso_date(contribution))
        .otherwise(_iso_date(citation.str.extract_groups(rf"\bEpub {DAY}\b"))),
        "is_book": is_book,
        "book_title": book.struct.field("book").str.replace(r"\s*\[Internet\]$", ""),
        "citation_doi": citation.str.extract(DOI, 1),
    }


def _iso_date(day: pl.Expr) -> pl.Expr:
    """A `DAY` match (`2020 Mar 20`) as `2020-03-20`; NULL when it did not match."""
    month = day.struct.field("2").replace_strict(
        {m: f"{i:02d}" for i, m in enumerate(MONTHS, 1)}, default=None, return_dtype=pl.String
    )
    year, day_number = day.struct.field("1"), day.struct.field("3").str.pad_start(2, "0")
    return pl.when(month.is_not_null()).then(pl.format("{}-{}-{}", year, month, day_number))


def _blank_null(part: pl.Expr) -> pl.Expr:
    stripped = part.str.strip_chars()
    return pl.when(stripped != "").then(stripped)


def _article_columns() -> list[pl.Expr]:
    """Article columns a save does not carry are NULL (languages: empty)."""
    none = pl.lit(None, pl.String)
    return [
        pl.lit(None, pl.Int32).alias("pmid_version"),
        pl.col("book_title").alias("journal_title"),
        pl.when(~pl.col("is_book")).then(pl.col("journal_abbrev")).alias("journal_abbrev"),
        pl.lit([], pl.List(pl.String)).alias("languages"),
        *(
            none.alias(c)
            for c in (
                "vernacular_title",
                "abstract",
                "journal_iso",
                "nlm_unique_id",
                "issn",
                "issn_linking",
                "status",
                "date_completed",
                "date_revised",
                "coi_statement",
            )
        ),
    ]


def author_rows(saves: pl.DataFrame) -> pl.DataFrame:
    """Authors from `Last INITIALS, ...; Collective Name` (see `_author_names`)."""
    names = _author_names(saves)
    name = pl.col("name").str.strip_chars()
    plain = name.str.extract_groups(PERSON)
    unsuffixed = name.str.replace(SUFFIX, "").str.extract_groups(PERSON)
    has_suffix = unsuffixed.struct.field("last").is_not_null() & name.str.contains(SUFFIX)
    person = pl.col("is_person")
    return names.with_columns(
        last_name=pl.when(person).then(
            pl.when(has_suffix)
            .then(unsuffixed.struct.field("last"))
            .otherwise(pl.coalesce(plain.struct.field("last"), name))
        ),
        fore_name=pl.lit(None, pl.String),
        initials=pl.when(person).then(
            pl.when(has_suffix)
            .then(unsuffixed.struct.field("initials"))
            .otherwise(plain.struct.field("initials"))
        ),
        suffix=pl.when(person & has_suffix).then(name.str.extract(SUFFIX, 1)),
        collective_name=pl.when(~person).then(name),
        orcid=pl.lit(None, pl.String),
        equal_contrib=pl.lit(None, pl.Boolean),
        valid=pl.lit(True),
        is_investigator=pl.lit(False),
    )


def _author_names(saves: pl.DataFrame) -> pl.DataFrame:
    """One row per name (`pmid`, `position`, `name`, `is_person`), in the order shown.

    `;` separates collective names from the people. Within a `;` part, `, ` separates names; a
    part without any `Last INITIALS` name is one collective name (they may hold commas:
    `COVID-19 National Emergency Response Center, Epidemiology & Case Management Team`),
    else each name is a person, or a collective name listed among people (`Open COVID-19 Data
    Working Group`). A one-word name among people is a last name alone (`Haroon`). The older
    CSV cuts long lists with `et al.`: the names shown are kept.
    """
    element = pl.element().str.strip_chars()
    is_person = element.str.contains(PERSON) | element.str.replace(SUFFIX, "").str.contains(PERSON)
    segments = (
        saves.select("pmid", segment=pl.col("authors").str.strip_suffix(".").str.split("; "))
        .explode("segment")
        .filter(pl.col("segment").str.strip_chars() != "")
        .with_columns(names=pl.col("segment").str.split(", ").list.filter(element != "et al"))
        .with_columns(
            flags=pl.col("names").list.eval(
                is_person | (element.str.contains(r"^\S+$") & (pl.len() > 1))
            ),
            any_person=pl.col("names").list.eval(is_person).list.any(),
        )
    )
    any_person = pl.col("any_person")
    return (
        segments.select(
            "pmid",
            name=pl.when(any_person).then("names").otherwise(pl.concat_list("segment")),
            is_person=pl.when(any_person).then("flags").otherwise(pl.concat_list(pl.lit(False))),
        )
        .explode("name", "is_person")
        .drop_nulls("name")
        .with_columns(position=pl.int_range(1, pl.len() + 1).over("pmid"))
    )


def _article_ids(saves: pl.DataFrame) -> pl.DataFrame:
    """pubmed, doi, pmc and mid (NIHMS) ids, each present one a row."""
    kinds = {"pubmed": "pmid_text", "doi": "doi", "pmc": "pmc_id", "mid": "nihms_id"}
    frames = [
        saves.select("pmid", id_type=pl.lit(kind), id_value=pl.col(column))
        for kind, column in kinds.items()
    ]
    return pl.concat(frames).drop_nulls("id_value")
