"""Same article, same rows: every PMID the corpus holds in two formats, loaded each way.

Each format is loaded into its own warehouse (once per session), and every column both formats
carry is compared. The differences NCBI's own exports have are encoded narrowly below, each with
its reason; nothing is skipped wholesale.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CORPUS
from tests.pubmed_saves import csv_save, medline_records, summary_save
from warehouse.db import connect
from warehouse.loading.load import load_file

PAIRS = CORPUS / "pairs"
MOJIBAKE_PMIDS = {28711570}
"""The JabRef XML of this record is double-encoded UTF-8 (SOURCES.md); the MEDLINE is clean."""
ASCII_FORMS = {
    "±": "+/-",
    "≤": "</=",
    "≥": ">/=",
    "⩽": "",  # the slanted forms are dropped by the export, not spelled out
    "⩾": "",
    "→": "-->",
    "°": " degrees ",
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "χ": "chi",
    "²": "(2)",
    "†": "dagger",
    "‡": "double dagger",
    "§": "section sign",
    "¶": "paragraph sign",
    "ǁ": "",
    "©": "(c)",
    "®": "(R)",
    "µ": "mu",
    "μ": "mu",
    "·": ".",
    "ß": "ss",
    "æ": "ae",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "ı": "i",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
}
"""Characters that old `.nbib` exports spell in ASCII (beyond dropping accents)."""


def _xml_files() -> list[Path]:
    return sorted(PAIRS.rglob("*.xml"))


def _medline_files() -> list[Path]:
    return sorted(p for p in PAIRS.rglob("*") if p.suffix in (".nbib", ".txt"))


def _load_all(path: Path, files: list[Path]) -> duckdb.DuckDBPyConnection:
    con = connect(path)
    for file in files:
        result = load_file(con, file)
        assert result.rejected == 0, (file, result.message)
    return con


@pytest.fixture(scope="session")
def xml_pairs_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Every XML file of `pairs/` (single records and the whole `_sets/` exports)."""
    con = _load_all(tmp_path_factory.mktemp("pairs-xml") / "xml.duckdb", _xml_files())
    yield con
    con.close()


@pytest.fixture(scope="session")
def medline_pairs_db(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Every MEDLINE file of `pairs/` (`.nbib` and `.medline.txt`, and the `_sets/` exports)."""
    con = _load_all(tmp_path_factory.mktemp("pairs-medline") / "medline.duckdb", _medline_files())
    yield con
    con.close()


def _unmojibake(text: str) -> str:
    """Undo UTF-8 read as CP1252 and written again as UTF-8.

    The loader has already folded the NBSP of each mangled NBSP (`Â` + NBSP) into a space.
    """
    try:
        return text.replace("\u00c2 ", " ").encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def comparable(value: object, pmid: int, from_xml: bool) -> object:
    """A value as both exports can spell it: ASCII transliteration, whitespace folded."""
    if isinstance(value, list):
        return tuple(comparable(v, pmid, from_xml) for v in value)
    if not isinstance(value, str):
        return value
    if from_xml and pmid in MOJIBAKE_PMIDS:
        # besides the mojibake, this XML writes unit exponents as `mL(-1)`, the MEDLINE `mL-1`
        value = re.sub(r"\((-\d)\)", r"\1", _unmojibake(value))
    for char, ascii_form in ASCII_FORMS.items():
        value = value.replace(char, ascii_form)
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c))
    return re.sub(r"[\s\u00a0]+", " ", value).strip()


def rows(con: duckdb.DuckDBPyConnection, sql: str, from_xml: bool) -> set[tuple]:
    """Rows of a query (first column the pmid), every value made comparable."""
    return {
        tuple(comparable(v, row[0], from_xml) for v in row) for row in con.execute(sql).fetchall()
    }


def assert_same(xml_db, medline_db, sql_xml: str, sql_medline: str | None = None) -> None:
    """Both warehouses give the same rows for the PMIDs they share."""
    shared = "pmid in (select pmid from shared_pmids)"
    xml_rows = rows(xml_db, sql_xml.replace("{shared}", shared), True)
    medline_rows = rows(medline_db, (sql_medline or sql_xml).replace("{shared}", shared), False)
    assert xml_rows == medline_rows, _differences(xml_rows, medline_rows)


def _differences(xml_rows: set[tuple], medline_rows: set[tuple]) -> str:
    """The first differing rows, each reduced to the fields that differ (pmid first)."""
    medline_by_pmid = {row[0]: row for row in medline_rows - xml_rows}
    lines = []
    for row in sorted(xml_rows - medline_rows, key=str)[:5]:
        other = medline_by_pmid.get(row[0], ())
        fields = [(i, a, b) for i, (a, b) in enumerate(zip(row, other, strict=False)) if a != b]
        lines.append(f"{row[0]}: {fields or row} vs {other if not fields else ''}")
    return "\n".join(lines) or f"medline only: {sorted(medline_rows - xml_rows, key=str)[:5]}"


@pytest.fixture(scope="session")
def paired(xml_pairs_db, medline_pairs_db) -> tuple:
    """Both warehouses, each with a `shared_pmids` table of the PMIDs the other also holds."""
    xml_pmids = {r[0] for r in xml_pairs_db.execute("select pmid from articles").fetchall()}
    medline_pmids = {r[0] for r in medline_pairs_db.execute("select pmid from articles").fetchall()}
    shared = sorted(xml_pmids & medline_pmids)
    for con in (xml_pairs_db, medline_pairs_db):
        con.execute("create or replace temp table shared_pmids (pmid bigint)")
        con.executemany("insert into shared_pmids values (?)", [[p] for p in shared])
    return xml_pairs_db, medline_pairs_db, shared, xml_pmids, medline_pmids


def test_every_paired_pmid_is_in_both_warehouses(paired) -> None:
    _, _, shared, xml_pmids, medline_pmids = paired
    set_dirs = {int(p.name) for p in PAIRS.iterdir() if p.name.isdigit()}
    assert xml_pmids == medline_pmids
    assert set_dirs <= set(shared)
    assert len(shared) >= 299


ARTICLE_COLUMNS = (
    "regexp_replace(title, '\\.$', '')",
    "regexp_replace(vernacular_title, '\\.$', '')",
    "abstract",
    "journal_title",
    "journal_abbrev",
    "nlm_unique_id",
    "issn",
    "issn_linking",
    "volume",
    "issue",
    "pages",
    "pub_year",
    "pub_date",
    # XML joins Year Month Day as stored: a numeric month ("2016 10 18") or a zero-padded day
    # ("1975 Feb 01"), where MEDLINE's DP always writes "2016 Oct 18" and "1975 Feb 1"
    "case when regexp_matches(pub_date_raw, '^\\d{4} \\d{1,2}( \\d{1,2})?$')"
    " then strftime(pub_date, '%Y %b')"
    " || coalesce(' ' || nullif(regexp_extract(pub_date_raw,"
    " '^\\d{4} \\d{1,2} (\\d{1,2})$', 1), '')::int, '')"
    " else regexp_replace(pub_date_raw, ' 0(\\d)$', ' \\1') end",
    "article_date",
    "language",
    "languages",
    "doi",
    "pmc_id",
    "status",
    "date_completed",
    "date_revised",
    "coi_statement",
    "is_book",
)


def test_articles_agree(paired) -> None:
    xml_db, medline_db, *_ = paired
    columns = ", ".join(ARTICLE_COLUMNS)
    assert_same(xml_db, medline_db, f"select pmid, {columns} from articles where " + "{shared}")


def test_journal_iso_only_in_xml(paired) -> None:
    xml_db, medline_db, *_ = paired
    assert medline_db.execute("select count(journal_iso) from articles").fetchone()[0] == 0
    assert xml_db.execute("select count(journal_iso) from articles").fetchone()[0] > 250


# MEDLINE leaves out authors marked ValidYN="N": compare valid authors, renumbered in order.
VALID_AUTHORS = """
    select pmid, position, row_number() over (partition by pmid order by position) as rank,
           last_name, fore_name, initials, suffix, collective_name, orcid, is_investigator
    from authors where valid and {shared}
"""


def test_authors_agree(paired) -> None:
    xml_db, medline_db, *_ = paired
    sql = f"select * exclude (position) from ({VALID_AUTHORS})"
    assert_same(xml_db, medline_db, sql)


def test_affiliations_agree(paired) -> None:
    xml_db, medline_db, *_ = paired
    sql = f"""
        select f.pmid, a.rank, f.position, f.affiliation
        from affiliations as f
        inner join ({VALID_AUTHORS}) as a on a.pmid = f.pmid and a.position = f.author_position
    """
    assert_same(xml_db, medline_db, sql)


def test_terms_agree_with_qualifiers_and_major_flags(paired) -> None:
    xml_db, medline_db, *_ = paired
    sql = """
        select pmid, heading_position, descriptor_name, descriptor_major,
               qualifier_name, qualifier_major
        from terms where {shared}
    """
    assert_same(xml_db, medline_db, sql)


def test_substances_agree(paired) -> None:
    xml_db, medline_db, *_ = paired
    sql = "select pmid, position, registry_number, name from substances where {shared}"
    assert_same(xml_db, medline_db, sql)


def test_rn_without_registry_number_is_a_supplementary_concept(paired) -> None:
    xml_db, medline_db, *_ = paired
    sql = "select pmid, position, name from supplementary_concepts where {shared}"
    assert_same(xml_db, medline_db, sql)
    concept = "select name from supplementary_concepts where pmid = 22202258"
    assert medline_db.execute(concept).fetchall() == [("IFL protocol",)]
    substances = "select count(*) from substances where pmid = 22202258"
    assert medline_db.execute(substances).fetchone()[0] == 3


def test_publication_types_keywords_grants_agree(paired) -> None:
    xml_db, medline_db, *_ = paired
    for sql in (
        "select pmid, position, name from publication_types where {shared}",
        "select pmid, position, keyword, owner, major from keywords where {shared}",
        "select pmid, position, grant_id, acronym, agency, country from grants where {shared}",
    ):
        assert_same(xml_db, medline_db, sql)


def test_grants_agree_on_every_paired_pmid_with_grants(paired) -> None:
    """GR lines read by NLM's rule give the XML's grants, part for part, on every such PMID."""
    xml_db, medline_db, *_ = paired
    with_grants = "select distinct pmid from grants where {shared} order by 1"
    pmids = xml_db.execute(with_grants.replace("{shared}", "pmid in (from shared_pmids)"))
    assert len(pmids.fetchall()) >= 4  # 1596022, 21224751 and two of the _sets records
    sql = "select pmid, position, grant_id, acronym, agency, country from grants where {shared}"
    assert_same(xml_db, medline_db, sql)


def test_ids_links_and_history_agree(paired) -> None:
    xml_db, medline_db, *_ = paired
    for sql in (
        "select pmid, id_type, id_value from article_ids where {shared}",
        # MEDLINE has no `Cites` links (those are the XML's reference list in another place)
        "select pmid, ref_type, ref_pmid from comments_corrections"
        " where ref_type <> 'Cites' and {shared}",
        "select pmid, pub_status, date from history_dates where {shared}",
    ):
        assert_same(xml_db, medline_db, sql)


def test_comment_sources_agree(paired) -> None:
    """MEDLINE appends the link's note (`[corrected to ...]`) to its source; XML keeps it apart."""
    xml_db, medline_db, *_ = paired
    sql = """
        select pmid, ref_type, ref_pmid, ref_source from comments_corrections
        where ref_type <> 'Cites' and pmid in (select pmid from shared_pmids)
    """
    xml_rows = sorted(rows(xml_db, sql, True), key=str)
    medline_rows = sorted(rows(medline_db, sql, False), key=str)
    assert len(xml_rows) == len(medline_rows) > 0
    for xml_row, medline_row in zip(xml_rows, medline_rows, strict=True):
        assert xml_row[:3] == medline_row[:3]
        assert medline_row[3] == xml_row[3] or medline_row[3].startswith(xml_row[3] + ". ")


def test_efetch_xml_and_abstract_text_of_17630804_agree(tmp_path: Path) -> None:
    """The one corpus PMID saved both as XML and as efetch abstract text (by one author)."""
    xml_db = _load_all(
        tmp_path / "xml.duckdb", [CORPUS / "xml/edirectcheminfo/17630804_efetch.xml"]
    )
    text_db = _load_all(
        tmp_path / "text.duckdb", [CORPUS / "abstract-text/edirectcheminfo/17630804_abstract.txt"]
    )
    for db in (xml_db, text_db):
        db.execute("create temp table shared_pmids as select 17630804::bigint as pmid")
    for sql in (
        "select pmid, title, abstract, journal_abbrev, volume, issue, pages, pub_year, pub_date,"
        " pub_date_raw, article_date, doi, status from articles where {shared}",
        # the abstract text has initials, not fore names
        "select pmid, position, last_name, initials from authors where {shared}",
        "select pmid, author_position, position, affiliation from affiliations where {shared}",
        "select pmid, id_type, id_value from article_ids where id_type in ('pubmed', 'doi')"
        " and {shared}",
    ):
        assert_same(xml_db, text_db, sql)


@pytest.fixture(scope="session")
def save_pairs_dbs(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, duckdb.DuckDBPyConnection]]:
    """Warehouses loaded from the CSV and Summary saves of every paired MEDLINE record."""
    folder = tmp_path_factory.mktemp("pairs-saves")
    records = {medline_record_pmid(r): r for r in medline_records(_medline_files())}
    saves = {"csv": csv_save, "summary-text": summary_save}
    dbs = {}
    for fmt, write in saves.items():
        path = folder / f"saved.{fmt}"
        path.write_bytes(write(list(records.values())))
        dbs[fmt] = _load_all(folder / f"{fmt}.duckdb", [path])
        fmts = dbs[fmt].execute("select distinct source_format from articles").fetchall()
        assert fmts == [(fmt,)]
    yield dbs
    for con in dbs.values():
        con.close()


def medline_record_pmid(record: list[tuple[str, str]]) -> str:
    return next(value for tag, value in record if tag == "PMID")


SAVE_ARTICLE_COLUMNS = (
    "title, journal_abbrev, volume, issue, pages, pub_year, pub_date, pub_date_raw,"
    " article_date, doi, pmc_id, is_book"
)


@pytest.mark.parametrize("fmt", ["csv", "summary-text"])
def test_saves_agree_with_medline_in_every_column_they_carry(
    fmt: str, save_pairs_dbs, medline_pairs_db
) -> None:
    """Same article, same values: articles, authors (last name, initials) and ids."""
    save_db = save_pairs_dbs[fmt]
    ids = (
        "'pubmed', 'pmc', 'mid'" if fmt == "csv" else "'pubmed', 'pmc'"
    )  # no NIHMS id in a summary
    pmids = [r[0] for r in save_db.execute("select pmid from articles").fetchall()]
    assert len(pmids) >= 299
    for con in (save_db, medline_pairs_db):
        con.execute("create or replace temp table shared_pmids (pmid bigint)")
        con.executemany("insert into shared_pmids values (?)", [[p] for p in pmids])
    for sql in (
        f"select pmid, {SAVE_ARTICLE_COLUMNS} from articles where " + "{shared}",
        "select pmid, row_number() over (partition by pmid order by position), last_name,"
        " initials, suffix, collective_name from authors where not is_investigator and {shared}",
        "select pmid, id_type, id_value from article_ids"
        f" where id_type in ({ids}) and " + "{shared}",
    ):
        assert_same(medline_pairs_db, save_db, sql)


def test_csv_create_date_is_the_entrez_date(save_pairs_dbs, medline_pairs_db) -> None:
    sql = (
        "select pmid, pub_status, date from history_dates where pub_status = 'entrez' and {shared}"
    )
    csv_db = save_pairs_dbs["csv"]
    pmids = [r[0] for r in csv_db.execute("select pmid from articles").fetchall()]
    for con in (csv_db, medline_pairs_db):
        con.execute("create or replace temp table shared_pmids (pmid bigint)")
        con.executemany("insert into shared_pmids values (?)", [[p] for p in pmids])
    assert_same(medline_pairs_db, csv_db, sql)


def test_books_carry_their_bookshelf_ids_in_both_formats(tmp_path: Path) -> None:
    """No book is in the corpus in two formats: the XML book and the MEDLINE chapter each give
    their bookaccession the same way (`article_ids` id_type `bookaccession`, `is_book`)."""
    xml_db = _load_all(tmp_path / "xml.duckdb", [CORPUS / "xml/zotero/testcase01_20821847.xml"])
    medline_db = _load_all(
        tmp_path / "medline.duckdb", [CORPUS / "medline/zotero/testcase01_8692918_21249755.nbib"]
    )
    sql = """
        select i.pmid, i.id_type, i.id_value, a.is_book from article_ids as i
        inner join articles as a using (pmid) where a.is_book order by all
    """
    assert xml_db.execute(sql).fetchall() == [
        (20821847, "bookaccession", "NBK22", True),
        (20821847, "pubmed", "20821847", True),
    ]
    assert medline_db.execute(sql).fetchall() == [
        (21249755, "bookaccession", "NBK1826", True),
        (21249755, "pubmed", "21249755", True),
    ]
