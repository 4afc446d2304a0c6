"""CPU seconds of ways to extract list-shaped parts (MeSH `terms`, `references`) of a file.

`python -m bench.extract_probe [FILE]`: for the terms, the parser's Python walk (`_terms`),
lxml's XSLT (libxslt, C) turning each batch of 1,000 records into delimited text that polars
reads as whole columns, and compiled `etree.XPath` objects returning each record's descriptor
lists as strings. Each route runs over its own pass of the file; the pass's parse and free
(the same in every route) are left out, only the extraction is timed. The XSLT rows are checked
against the Python walk's; the XPath route reads the descriptors only (it cannot align the
qualifiers with their headings), so it is a lower bound of that route's cost. For the
references, the walk (`_references`) against the bare call of one compiled XPath per record:
the citation texts alone (a citation with inline markup gives several texts, so they do not
line up with the references), or every reference with its texts and ids in document order.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
from lxml import etree

from bench.run import bench_file
from warehouse.errors import MalformedRecord
from warehouse.formats import xml
from warehouse.formats.xml_stream import free, iterparse
from warehouse.inputs import open_input

BATCH = 1_000
FIELD, ROW = "\ue000", "\ue001"
"""Separators the stylesheet writes (private-use: lxml refuses control characters in
parameters); replaced by bytes that XML text can never hold before polars reads the text."""
TERMS_XSLT = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="/">
<xsl:for-each select="*/PubmedArticle/MedlineCitation">
<xsl:variable name="pmid" select="PMID"/>
<xsl:for-each select="MeshHeadingList/MeshHeading">
<xsl:variable name="head" select="position()"/>
<xsl:variable name="d" select="DescriptorName[1]"/>
<xsl:variable name="row" select="concat($pmid,'{FIELD}',$head,'{FIELD}',$d/@UI,'{FIELD}',$d,
'{FIELD}',$d/@MajorTopicYN)"/>
<xsl:for-each select="QualifierName">
<xsl:value-of select="concat($row,'{FIELD}',@UI,'{FIELD}',.,'{FIELD}',@MajorTopicYN,'{ROW}')"/>
</xsl:for-each>
<xsl:if test="not(QualifierName)">
<xsl:value-of select="concat($row,'{FIELD}{FIELD}{FIELD}{ROW}')"/>
</xsl:if>
</xsl:for-each>
</xsl:for-each>
</xsl:template>
</xsl:stylesheet>"""
REFERENCE = "PubmedData/ReferenceList//Reference"
CITATION_TEXTS = etree.XPath(f"{REFERENCE}/Citation/text()", smart_strings=False)
REFERENCE_PARTS = etree.XPath(
    f"{REFERENCE} | {REFERENCE}/Citation/text() | {REFERENCE}/ArticleIdList/ArticleId/@IdType"
    f" | {REFERENCE}/ArticleIdList/ArticleId/text()",
    smart_strings=False,
)
"""Every reference, its citation text and its ids, in document order (to be grouped after)."""
DESCRIPTOR_UI = etree.XPath(
    "MedlineCitation/MeshHeadingList/MeshHeading/DescriptorName/@UI", smart_strings=False
)
DESCRIPTOR_NAME = etree.XPath(
    "MedlineCitation/MeshHeadingList/MeshHeading/DescriptorName/text()", smart_strings=False
)
DESCRIPTOR_MAJOR = etree.XPath(
    "MedlineCitation/MeshHeadingList/MeshHeading/DescriptorName/@MajorTopicYN",
    smart_strings=False,
)


def python_walk(path: str) -> tuple[float, int]:
    """The parser's own `_terms` on every record: CPU seconds and rows."""
    spent, rows = 0.0, 0
    with open_input(Path(path)) as stream:
        for _, elem in iterparse(stream, tag="PubmedArticle"):
            record_rows = xml.empty_rows()
            citation = elem.find("MedlineCitation")
            pmid, headings = int(citation.findtext("PMID")), citation.find("MeshHeadingList")
            started = time.process_time()
            xml._terms(pmid, headings, record_rows)
            spent += time.process_time() - started
            rows += len(record_rows["terms"])
            free(elem)
    return spent, rows


def xslt_batches(path: str) -> tuple[float, int]:
    """The stylesheet over each batch of records, read by polars: CPU seconds and rows."""
    transform = etree.XSLT(etree.XML(TERMS_XSLT.encode()))
    spent, rows, count, elem = 0.0, 0, 0, None
    with open_input(Path(path)) as stream:
        for _, elem in iterparse(stream, tag="PubmedArticle"):
            count += 1
            if count % BATCH == 0:  # a batch stays in the tree until the stylesheet read it
                started = time.process_time()
                rows += len(_read_text(bytes(transform(elem.getroottree()))))
                spent += time.process_time() - started
                free(elem)
        if count % BATCH:
            started = time.process_time()
            rows += len(_read_text(bytes(transform(elem.getroottree()))))
            spent += time.process_time() - started
    return spent, rows


def _read_text(text: bytes) -> pl.DataFrame:
    """Delimited text as a frame of strings, one column per field."""
    text = text.replace(FIELD.encode(), b"\x1f").replace(ROW.encode(), b"\x1e")
    if not text:
        return pl.DataFrame()
    return pl.read_csv(
        io.BytesIO(text),
        separator="\x1f",
        eol_char="\x1e",
        quote_char=None,
        has_header=False,
        infer_schema=False,
    )


def xpath_lists(path: str) -> tuple[float, int]:
    """Compiled XPath lists of each record's descriptors: CPU seconds and headings."""
    spent, rows = 0.0, 0
    with open_input(Path(path)) as stream:
        for _, elem in iterparse(stream, tag="PubmedArticle"):
            started = time.process_time()
            uis, names, majors = DESCRIPTOR_UI(elem), DESCRIPTOR_NAME(elem), DESCRIPTOR_MAJOR(elem)
            rows += len(list(zip(uis, names, majors, strict=False)))
            spent += time.process_time() - started
            free(elem)
    return spent, rows


def references_walk(path: str) -> tuple[float, int]:
    """The parser's own `_references` on every record: CPU seconds and rows."""
    spent, rows = 0.0, 0
    with open_input(Path(path)) as stream:
        for _, elem in iterparse(stream, tag="PubmedArticle"):
            record_rows = xml.empty_rows()
            lists = list(elem.iterfind("PubmedData/ReferenceList"))
            started = time.process_time()
            xml._references(1, lists, record_rows)
            spent += time.process_time() - started
            rows += len(record_rows["references"])
            free(elem)
    return spent, rows


def references_xpath(expression: etree.XPath) -> Callable[[str], tuple[float, int]]:
    """A route calling one compiled XPath per record: CPU seconds of the calls, items found."""

    def route(path: str) -> tuple[float, int]:
        spent, items = 0.0, 0
        with open_input(Path(path)) as stream:
            for _, elem in iterparse(stream, tag="PubmedArticle"):
                started = time.process_time()
                items += len(expression(elem))
                spent += time.process_time() - started
                free(elem)
        return spent, items

    return route


def rows_agree(path: str) -> bool:
    """The stylesheet's rows of the first batch are the walk's (as distinct heading x qualifier).

    The walk merges a qualifier met twice in one heading and rejects a record with a heading
    without a descriptor (left out here); the stylesheet does neither.
    """
    transform = etree.XSLT(etree.XML(TERMS_XSLT.encode()))
    with open_input(Path(path)) as stream:
        for count, (_, elem) in enumerate(iterparse(stream, tag="PubmedArticle"), 1):
            if count == BATCH:
                text = _read_text(bytes(transform(elem.getroottree())))
                pmids, walked = _walked_keys(elem.getparent())
                keys = text.select("column_0", "column_1", "column_2", "column_5").rows()
                return walked == {key for key in keys if key[0] in pmids}
    return False


def _walked_keys(records: etree._Element) -> tuple[set[str], set[tuple]]:
    """PMIDs the walk read, and (pmid, heading, descriptor UI, qualifier UI) of its rows."""
    pmids: set[str] = set()
    keys: set[tuple] = set()
    for record in records:
        walked = xml.empty_rows()
        citation = record.find("MedlineCitation")
        try:
            xml._terms(int(citation.findtext("PMID")), citation.find("MeshHeadingList"), walked)
        except MalformedRecord:
            continue
        pmids.add(citation.findtext("PMID"))
        keys.update((str(r[0]), str(r[1]), r[2], r[5]) for r in walked["terms"])
    return pmids, keys


ROUTES: dict[str, Callable[[str], tuple[float, int]]] = {
    "terms: python walk (_terms)": python_walk,
    "terms: XSLT per batch + polars read_csv": xslt_batches,
    "terms: XPath lists (descriptors only)": xpath_lists,
    "references: python walk (_references)": references_walk,
    "references: XPath of the citation texts only": references_xpath(CITATION_TEXTS),
    "references: XPath of references, texts and ids": references_xpath(REFERENCE_PARTS),
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.extract_probe", description=__doc__)
    parser.add_argument("file", nargs="?", default=None)
    args = parser.parse_args()
    path = args.file or str(bench_file(1))
    for name, route in ROUTES.items():
        spent, rows = route(path)
        sys.stdout.write(f"{name}: {spent:.2f} CPU s, {rows:,} rows\n")
    sys.stdout.write(f"XSLT rows agree with the walk's (first batch): {rows_agree(path)}\n")


if __name__ == "__main__":
    main()
