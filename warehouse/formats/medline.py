"""MEDLINE / "PubMed format" text (`.nbib`, efetch `rettype=medline`): `TAG - value` lines.

Vectorized with polars: a chunk of whole records (cut at a blank line) becomes one frame of
lines; tag, value, record and field numbers are expressions over it, continuation lines (six
spaces) are joined to their field, and every table is built from the field frame by filters and
group-bys. Memory is bounded by the chunk, about `batch_size` records. CRLF, a BOM, leading
blank lines and a last record without a blank line after it are all read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import BinaryIO

import polars as pl

from warehouse.formats.input_format import InputFormat
from warehouse.formats.medline_grants import grant_columns
from warehouse.formats.records import PARSED_COLUMNS, ParsedBatch, Reject
from warehouse.inputs import decode_utf8

MEDLINE_PMID = re.compile(rb"^PMID- *\d", re.MULTILINE)
BYTES_PER_RECORD = 6 * 1024
"""Chunk size per record in the batch: a MEDLINE record is 2-5 KB, so a chunk is about a batch."""
EXCERPT_CHARS = 300
BLANK_LINE = re.compile(rb"\n[ \t]*\r?\n")
TAG_LINE = r"^([A-Z][A-Z0-9]{0,3}) *- ?"
PERSON_TAGS = ("FAU", "AU", "CN", "FIR", "IR", "AD", "IRAD", "AUID")
NAME_TAGS = ("FAU", "AU", "CN", "FIR", "IR")
COMMENT_TAGS = {
    "CON": "CommentOn",
    "CIN": "CommentIn",
    "EIN": "ErratumIn",
    "EFR": "ErratumFor",
    "CRI": "CorrectedandRepublishedIn",
    "CRF": "CorrectedandRepublishedFrom",
    "RIN": "RetractionIn",
    "ROF": "RetractionOf",
    "RRI": "RetractedandRepublishedIn",
    "RRF": "RetractedandRepublishedFrom",
    "UIN": "UpdateIn",
    "UOF": "UpdateOf",
    "SPIN": "SummaryForPatientsIn",
    "ORI": "OriginalReportIn",
    "RPI": "RepublishedIn",
    "RPF": "RepublishedFrom",
    "PRIN": "PartialRetractionIn",
    "PROF": "PartialRetractionOf",
    "ECI": "ExpressionOfConcernIn",
    "ECF": "ExpressionOfConcernFor",
}
REGISTRY_NUMBER = r"(?:EC [0-9n.\-]+|[0-9A-Z][0-9A-Z\-]*)"
SUBSTANCE = rf"^({REGISTRY_NUMBER}) \((.*)\)$"
BARE_REGISTRY = rf"^({REGISTRY_NUMBER})$"
SUFFIX = r"\s+((?:Jr|Sr|[IVX]{1,4}|\d+(?:st|nd|rd|th))\.?)$"
YYYYMMDD = r"^(\d{4})(\d{2})(\d{2}).*$"


def parse(stream: BinaryIO, batch_size: int) -> Iterator[ParsedBatch]:
    """Yield batches of at most `batch_size` records from a MEDLINE text stream."""
    position = 0
    emitted = False
    for chunk in _record_chunks(stream, max(batch_size, 1) * BYTES_PER_RECORD):
        fields, records = _fields(_lines(chunk), position)
        position += records.height
        for start in range(0, records.height, max(batch_size, 1)):
            part = records.slice(start, batch_size)
            yield _batch(fields.join(part.select("record"), on="record", how="semi"), part)
            emitted = True
    if not emitted:
        yield ParsedBatch()


def _record_chunks(stream: BinaryIO, chunk_bytes: int) -> Iterator[str]:
    """Text of whole records, about `chunk_bytes` at a time, cut after a blank line."""
    pending = b""
    first = True
    while True:
        block = stream.read(chunk_bytes)
        data = pending + block
        if first:
            data = data.removeprefix(b"\xef\xbb\xbf")
            first = False
        if not block:
            if data.strip():
                yield _decode(data)
            return
        ends = [match.end() for match in BLANK_LINE.finditer(data)]
        if not ends:
            pending = data
            continue
        yield _decode(data[: ends[-1]])
        pending = data[ends[-1] :]


def _decode(data: bytes) -> str:
    """UTF-8 text with LF line ends (`open_input` has checked or transcoded it to UTF-8)."""
    return decode_utf8(data).replace("\r\n", "\n").replace("\r", "\n")


def _lines(text: str) -> pl.DataFrame:
    """One row per non-blank line, with its record number (records are split by blank lines)."""
    frame = pl.DataFrame({"line": text.split("\n")}, schema={"line": pl.String})
    blank = pl.col("line").str.strip_chars() == ""
    return (
        frame.with_columns(record=blank.cum_sum())
        .filter(~blank)
        .with_columns(record=pl.col("record").rank("dense").cast(pl.Int64) - 1)
    )


def _fields(lines: pl.DataFrame, offset: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fields (record, tag, value, field) with continuations joined; and one row per record."""
    tag = pl.col("line").str.extract(TAG_LINE, 1)
    value = (
        pl.when(tag.is_not_null())
        .then(pl.col("line").str.replace(TAG_LINE, ""))
        .otherwise(pl.col("line"))
        .str.strip_chars()
    )
    fields = (
        lines.with_columns(tag=tag, value=value, field=tag.is_not_null().cum_sum())
        .group_by("record", "field", maintain_order=True)
        .agg(pl.col("tag").first(), pl.col("value").str.join(" "))
        .filter(pl.col("tag").is_not_null())
        .with_columns(value=pl.when(pl.col("value") != "").then(pl.col("value")))
    )
    raw = lines.group_by("record", maintain_order=True).agg(pl.col("line").str.join("\n"))
    pmids = (
        fields.filter(pl.col("tag") == "PMID").group_by("record").agg(pmid_text=pl.first("value"))
    )
    records = (
        raw.join(pmids, on="record", how="left")
        .with_columns(
            pmid=pl.col("pmid_text").str.extract(r"^([0-9]+)$", 1).cast(pl.Int64, strict=False),
            position=pl.col("record") + offset + 1,
            record_hash=pl.Series(
                [hashlib.blake2b(r.encode(), digest_size=16).hexdigest() for r in raw["line"]]
            ),
        )
        .sort("record")
    )
    valid = records.filter(pl.col("pmid") > 0).select("record", "pmid")
    return fields.join(valid, on="record", how="inner"), records


def _batch(fields: pl.DataFrame, records: pl.DataFrame) -> ParsedBatch:
    """A batch from the fields of its records; records without a usable PMID are rejected."""
    batch = ParsedBatch()
    bad = records.filter(pl.col("pmid").is_null() | (pl.col("pmid") <= 0))
    for position, text, pmid_text in bad.select("position", "line", "pmid_text").rows():
        reason = (
            f"PMID {pmid_text!r} is not a positive whole number"
            if pmid_text
            else "record has no PMID line: it cannot be keyed; fix or drop the record"
        )
        batch.rejects.append(Reject(position, None, reason, text[:EXCERPT_CHARS]))
    good = records.filter(pl.col("pmid") > 0)
    last = good.group_by("pmid").agg(pl.col("record").max())  # a repeated PMID: the later wins
    fields = fields.join(last, on=["pmid", "record"], how="semi")
    hashes = good.join(last, on=["pmid", "record"], how="semi").select("record", "record_hash")
    tables = {
        "articles": _articles(fields, hashes),
        "authors": _authors(fields),
        "terms": _terms(fields),
        "publication_types": _listed(fields, "PT", type_ui=pl.lit(None), name=pl.col("value")),
        "keywords": _keywords(fields),
        "grants": _grants(fields),
        "article_ids": _article_ids(fields),
        "comments_corrections": _comments_corrections(fields),
        "history_dates": _history(fields),
    }
    tables.update(_affiliations(tables.pop("authors")))
    tables.update(_chemicals(fields))
    for table, frame in tables.items():
        batch.rows[table] = frame.select(PARSED_COLUMNS[table]).rows()
    batch.records = records.height
    return batch


def _first(tag: str) -> pl.Expr:
    """The first value of a tag within a record (inside a group-by on record)."""
    return pl.col("value").filter(pl.col("tag") == tag).first()


def _iso(expr: pl.Expr) -> pl.Expr:
    """`YYYYMMDD` (DCOM, LR, DEP) as an ISO date string."""
    return expr.str.replace(YYYYMMDD, "$1-$2-$3")


def _tagged(tag: str, kind: str) -> pl.Expr:
    """Value of an `AID`/`LID` field `VALUE [kind]` (NULL for other kinds)."""
    pattern = rf"^(.*\S)\s*\[{kind}\]$"
    return pl.when(pl.col("tag") == tag).then(pl.col("value").str.extract(pattern, 1))


def _articles(fields: pl.DataFrame, hashes: pl.DataFrame) -> pl.DataFrame:
    """One row per record, from its single-valued tags."""
    issn = pl.col("value").filter(
        (pl.col("tag") == "IS") & ~pl.col("value").str.contains(r"\(Linking\)")
    )
    linking = pl.col("value").filter(
        (pl.col("tag") == "IS") & pl.col("value").str.contains(r"\(Linking\)")
    )
    frame = fields.group_by("record", "pmid").agg(
        title=_first("TI"),
        book_title=_first("BTI"),
        vernacular_title=_first("TT"),
        abstract=_first("AB"),
        journal=_first("JT"),
        journal_abbrev=_first("TA"),
        nlm_unique_id=_first("JID"),
        issn=issn.first().str.replace(r"\s*\(.*\)$", ""),
        issn_linking=linking.first().str.replace(r"\s*\(.*\)$", ""),
        volume=_first("VI"),
        issue=_first("IP"),
        pages=_first("PG"),
        pub_date_raw=_first("DP"),
        article_date=_iso(_first("DEP")),
        languages=pl.col("value").filter(pl.col("tag") == "LA"),
        doi=pl.coalesce(
            _tagged("AID", "doi").drop_nulls().first(), _tagged("LID", "doi").drop_nulls().first()
        ),
        pmc_id=_first("PMC"),
        status=_first("STAT"),
        date_completed=_iso(_first("DCOM")),
        date_revised=_iso(_first("LR")),
        coi_statement=_first("COIS"),
    )
    has_chapter = pl.col("book_title").is_not_null() & pl.col("title").is_not_null()
    return (
        frame.join(hashes, on="record")
        .sort("record")
        .with_columns(
            pmid_version=pl.lit(None, pl.Int32),
            title=pl.coalesce("title", "book_title"),
            journal_title=pl.when(pl.col("book_title").is_null())
            .then(pl.col("journal"))
            .when(has_chapter)
            .then(pl.col("book_title")),
            journal_iso=pl.lit(None, pl.String),
            is_book=pl.col("book_title").is_not_null(),
        )
    )


def _listed(fields: pl.DataFrame, tag: str, **columns: pl.Expr) -> pl.DataFrame:
    """Rows of a repeating tag, numbered per record in file order."""
    return (
        fields.filter(pl.col("tag") == tag)
        .with_columns(position=pl.int_range(1, pl.len() + 1).over("record"))
        .with_columns(**columns)
    )


def _authors(fields: pl.DataFrame) -> pl.DataFrame:
    """One row per person: a person starts at FAU, CN, FIR, or an AU/IR not after its FAU/FIR."""
    tag = pl.col("tag")
    name_tag = pl.when(tag.is_in(NAME_TAGS)).then(tag)
    previous = name_tag.forward_fill().shift(1).over("record")
    starts = (
        tag.is_in(("FAU", "CN", "FIR"))
        | ((tag == "AU") & previous.ne_missing("FAU"))
        | ((tag == "IR") & previous.ne_missing("FIR"))
    )
    people = (
        fields.filter(tag.is_in(PERSON_TAGS))
        .sort("record", "field")
        .with_columns(person=starts.cast(pl.Int32).cum_sum().over("record"))
        .filter(pl.col("person") > 0)
        .group_by("record", "pmid", "person")
        .agg(
            kind=name_tag.drop_nulls().first(),
            full=pl.coalesce(_first("FAU"), _first("FIR")),
            short=pl.coalesce(_first("AU"), _first("IR")),
            collective_name=_first("CN"),
            orcid=pl.col("value")
            .filter(tag == "AUID")
            .str.extract(r"ORCID:\s*(\S+)", 1)
            .drop_nulls()
            .first(),
            affiliations=pl.col("value").filter(tag.is_in(("AD", "IRAD"))),
        )
        .with_columns(is_investigator=pl.col("kind").is_in(("FIR", "IR")))
        .sort("record", "is_investigator", "person")
        .with_columns(position=pl.int_range(1, pl.len() + 1).over("record"))
    )
    return people.with_columns(_names()).with_columns(
        equal_contrib=pl.lit(None, pl.Boolean), valid=pl.lit(True)
    )


def _names() -> list[pl.Expr]:
    """Last name, fore name, initials and suffix from `FAU` (`Last, Fore`) and `AU` (`Last FM`).

    `AU` is the last name, the initials (which may hold a space: `Mde L`) and a suffix (`Jr`,
    `3rd`, `II`); `FAU` is `Last, Fore` with the same suffix at its end.
    """
    full, short = pl.col("full"), pl.col("short")
    last = pl.coalesce(full.str.extract(r"^(.*?)\s*,", 1), full, short.str.replace(r"\s+\S+$", ""))
    after_last = short.str.strip_prefix(pl.concat_str(last, pl.lit(" "))).str.strip_chars()
    initials_and_suffix = pl.when(after_last != short).then(after_last)
    suffix = initials_and_suffix.str.extract(SUFFIX, 1)
    initials = initials_and_suffix.str.replace(SUFFIX, "").str.strip_chars()
    fore = full.str.extract(r"^.*?,\s*(.*)$", 1)
    fore = (
        pl.when(suffix.is_not_null())
        .then(fore.str.replace(SUFFIX.replace("\\s+", ",?\\s*"), "").str.strip_chars())
        .otherwise(fore)
    )
    collective = pl.col("collective_name").is_not_null()
    return [
        pl.when(~collective).then(last).alias("last_name"),
        pl.when(~collective & (fore != "")).then(fore).alias("fore_name"),
        pl.when(~collective & (initials != "")).then(initials).alias("initials"),
        pl.when(~collective).then(suffix).alias("suffix"),
    ]


def _affiliations(authors: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Authors, and one affiliation row per `AD`/`IRAD` line of an author."""
    affiliations = (
        authors.select("pmid", "record", author_position="position", affiliation="affiliations")
        .explode("affiliation")
        .drop_nulls("affiliation")
        .with_columns(position=pl.int_range(1, pl.len() + 1).over("record", "author_position"))
        .with_columns(ror=pl.lit(None, pl.String), grid=pl.lit(None, pl.String))
    )
    return {"authors": authors.sort("record", "position"), "affiliations": affiliations}


def _terms(fields: pl.DataFrame) -> pl.DataFrame:
    """MH `Descriptor/qualifier/*qualifier`: one row per heading x qualifier; `*` marks major."""
    parts = pl.col("value").str.split("/")
    heading = _listed(
        fields, "MH", descriptor=parts.list.first(), qualifier=parts.list.slice(1)
    ).explode("qualifier", empty_as_null=True)
    return heading.select(
        "record",
        "pmid",
        heading_position="position",
        descriptor_ui=pl.lit(None, pl.String),
        descriptor_name=pl.col("descriptor").str.strip_chars("* "),
        descriptor_major=pl.col("descriptor").str.starts_with("*"),
        qualifier_ui=pl.lit(None, pl.String),
        qualifier_name=pl.col("qualifier").str.strip_chars("* "),
        qualifier_major=pl.when(pl.col("qualifier").is_not_null()).then(
            pl.col("qualifier").str.starts_with("*")
        ),
    )


def _chemicals(fields: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """RN `number (Name)` are substances; an RN without a registry number, or NM, a concept."""
    value = pl.col("value")
    is_substance = value.str.contains(SUBSTANCE) | value.str.contains(BARE_REGISTRY)
    rn = fields.filter(pl.col("tag") == "RN")
    substances = _listed(
        rn.filter(is_substance),
        "RN",
        registry_number=pl.coalesce(value.str.extract(SUBSTANCE, 1), value),
        substance_ui=pl.lit(None, pl.String),
        name=value.str.extract(SUBSTANCE, 2),
    )
    concepts = (
        pl.concat([rn.filter(~is_substance), fields.filter(pl.col("tag") == "NM")])
        .sort("record", "field")
        .with_columns(position=pl.int_range(1, pl.len() + 1).over("record"))
        .with_columns(
            concept_ui=pl.lit(None, pl.String),
            name=value.str.replace(r"\s*\(.*\)$", ""),
            type=pl.lit(None, pl.String),
        )
    )
    return {"substances": substances, "supplementary_concepts": concepts}


def _keywords(fields: pl.DataFrame) -> pl.DataFrame:
    """OT keywords, owned by the `OTO` line before them; a leading `*` marks major."""
    owned = fields.sort("record", "field").with_columns(
        owner=pl.when(pl.col("tag") == "OTO").then(pl.col("value")).forward_fill().over("record")
    )
    return _listed(
        owned,
        "OT",
        keyword=pl.col("value").str.strip_chars_start("*"),
        major=pl.col("value").str.starts_with("*"),
    )


def _grants(fields: pl.DataFrame) -> pl.DataFrame:
    """GR `GrantID/Acronym/Agency/Country` with absent parts left out (`medline_grants`)."""
    return _listed(fields, "GR", **grant_columns(pl.col("value")))


def _article_ids(fields: pl.DataFrame) -> pl.DataFrame:
    """The article's ids: PMID, `AID`/`LID` `value [type]`, PMC and MID; each pair once."""
    tag, value = pl.col("tag"), pl.col("value")
    bracketed = value.str.extract(r"^(.*\S)\s*\[([a-z\-]+)\]$", 2)
    return (
        fields.filter(tag.is_in(("PMID", "AID", "LID", "PMC", "MID")))
        .with_columns(
            id_type=pl.when(tag == "PMID")
            .then(pl.lit("pubmed"))
            .when(tag == "PMC")
            .then(pl.lit("pmc"))
            .when(tag == "MID")
            .then(pl.lit("mid"))
            .otherwise(bracketed),
            id_value=pl.when(tag.is_in(("AID", "LID")))
            .then(value.str.extract(r"^(.*\S)\s*\[[a-z\-]+\]$", 1))
            .otherwise(value),
        )
        .drop_nulls(["id_type", "id_value"])
        .unique(["record", "id_type", "id_value"], keep="first", maintain_order=True)
    )


def _comments_corrections(fields: pl.DataFrame) -> pl.DataFrame:
    """CON, CIN, EIN, ROF, … `Source. PMID: 123` as links with the XML `RefType` names."""
    tag, value = pl.col("tag"), pl.col("value")
    return (
        fields.filter(tag.is_in(list(COMMENT_TAGS)))
        .with_columns(position=pl.int_range(1, pl.len() + 1).over("record"))
        .with_columns(
            ref_type=tag.replace_strict(COMMENT_TAGS, return_dtype=pl.String),
            ref_pmid=value.str.extract(r"PMID:\s*(\d+)\s*$", 1).cast(pl.Int64),
            ref_source=value.str.replace(r"\.?\s*PMID:\s*\d+\s*$", ""),
        )
    )


def _history(fields: pl.DataFrame) -> pl.DataFrame:
    """PHST `2011/12/29 06:00 [entrez]` as (pub_status, date); CRDT is the entrez date."""
    value = pl.col("value")
    events = (
        fields.filter(pl.col("tag") == "PHST")
        .with_columns(pub_status=value.str.extract(r"\[([^\]]+)\]\s*$", 1))
        .filter(pl.col("pub_status").is_not_null())  # a PHST line without [status] has no key
    )
    created = fields.filter(pl.col("tag") == "CRDT").with_columns(pub_status=pl.lit("entrez"))
    created = created.join(events, on=["record", "pub_status"], how="anti")
    return (
        pl.concat([events, created])
        .sort("record", "field")
        .with_columns(date=value.str.replace(r"^(\d{4})/(\d{2})/(\d{2}).*$", "$1-$2-$3"))
    )


def recognises(text: bytes) -> bool:
    """A `PMID- ` line among the first bytes."""
    return MEDLINE_PMID.search(text) is not None


FORMAT = InputFormat(name="medline", recognises=recognises, rank=2, parse=parse)
