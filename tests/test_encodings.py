"""Text encodings: real MEDLINE and abstract-text records saved as UTF-8 with a BOM, UTF-16 and
Latin-1/cp1252 load exactly as their UTF-8 originals; mixed bytes are rejected whole, by offset."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import CORPUS
from warehouse.db import connect
from warehouse.errors import UndecodableText
from warehouse.formats.records import RECORD_TABLES
from warehouse.inputs import text_encoding
from warehouse.loading.load import load_file

ACCENTED_NBIB = CORPUS / "medline/zotero/testcase05_35128459.nbib"  # "à"
COPYRIGHT_NBIB = CORPUS / "medline/zotero/testcase08_36216673.nbib"  # "©"
BULLET_PAGE = CORPUS / "abstract-text/seed/000_c38d207a938d1e54.txt"  # "•": cp1252, not Latin-1
ENCODINGS = {
    "utf-8-bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "utf-16": lambda text: text.encode("utf-16"),
    "utf-16-le-no-bom": lambda text: text.encode("utf-16-le"),
    "utf-16-be-no-bom": lambda text: text.encode("utf-16-be"),
    "cp1252": lambda text: text.encode("cp1252"),
}


def warehouse_rows(path: Path, db: Path) -> dict[str, list[tuple]]:
    """Load one file into a new warehouse; every record table's rows, file names left out."""
    con = connect(db)
    try:
        result = load_file(con, path)
        assert (result.status, result.rejected) == ("loaded", 0), result.message
        state = {}
        for table in RECORD_TABLES:
            exclude = " exclude (loaded_at, source_file)" if table == "articles" else ""
            state[table] = con.execute(f'select *{exclude} from "{table}" order by all').fetchall()
        return state
    finally:
        con.close()


@pytest.mark.parametrize(
    "original", [ACCENTED_NBIB, COPYRIGHT_NBIB, BULLET_PAGE], ids=lambda p: p.name
)
@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_a_re_encoded_file_loads_as_its_utf8_original(
    original: Path, encoding: str, tmp_path: Path
) -> None:
    text = original.read_text(encoding="utf-8")
    assert any(ord(c) > 127 for c in text)  # the test means something only with accents
    copy = tmp_path / f"{encoding}-{original.name}"
    copy.write_bytes(ENCODINGS[encoding](text))
    expected = warehouse_rows(original, tmp_path / "utf8.duckdb")
    assert warehouse_rows(copy, tmp_path / f"{encoding}.duckdb") == expected
    assert "\ufffd" not in repr(expected)


def test_latin1_medline_keeps_its_accents(tmp_path: Path) -> None:
    copy = tmp_path / "latin1.nbib"
    copy.write_bytes(ACCENTED_NBIB.read_text(encoding="utf-8").encode("latin-1"))
    assert text_encoding(copy) == "cp1252"
    con = connect(tmp_path / "w.duckdb")
    try:
        load_file(con, copy)
        text = " ".join(str(v) for row in con.execute("from articles").fetchall() for v in row)
    finally:
        con.close()
    assert "à" in text and "\ufffd" not in text


def test_mixed_encodings_are_rejected_whole_naming_the_first_bad_byte(tmp_path: Path) -> None:
    text = ACCENTED_NBIB.read_text(encoding="utf-8")
    first_accent = text.encode("utf-8").index("à".encode())
    mixed = tmp_path / "mixed.nbib"  # Latin-1 "é" in a file that also holds UTF-8 "à"
    mixed.write_bytes(text.encode("utf-8") + "\nAB  - café\n".encode("latin-1"))
    bad_offset = len(text.encode("utf-8")) + len("\nAB  - caf")
    assert bad_offset > first_accent
    with pytest.raises(UndecodableText, match=f"byte 0xE9 at offset {bad_offset} "):
        text_encoding(mixed)
    con = connect(tmp_path / "w.duckdb")
    try:
        result = load_file(con, mixed)
        rejects = con.execute("select position, reason from rejects").fetchall()
        articles = con.execute("select count(*) from articles").fetchone()[0]
    finally:
        con.close()
    assert result.status == "rejected"
    assert articles == 0
    assert rejects[0][0] is None and f"offset {bad_offset}" in rejects[0][1]


def test_control_bytes_are_not_taken_for_latin1(tmp_path: Path) -> None:
    binaryish = tmp_path / "odd.nbib"
    binaryish.write_bytes(b"PMID- 1\nTI  - caf\xe9 \x01\x02\n")
    with pytest.raises(UndecodableText, match=r"byte 0xE9 at offset 17 .* byte 0x01"):
        text_encoding(binaryish)


def test_utf16_xml_is_left_to_the_xml_parser(
    tmp_path: Path, fresh_db: duckdb.DuckDBPyConnection
) -> None:
    source = CORPUS / "xml/biopython/pubmed4.xml"
    text = source.read_text(encoding="utf-8")  # no encoding declared: lxml goes by the BOM
    copy = tmp_path / "pubmed4-utf16.xml"
    copy.write_bytes(text.encode("utf-16"))
    assert text_encoding(copy) is None
    result = load_file(fresh_db, copy)
    assert (result.status, result.inserted) == ("loaded", 1), result.message
