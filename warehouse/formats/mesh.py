"""NLM MeSH XML (descYYYY, qualYYYY, suppYYYY): rows for the `mesh_*` tables, streamed.

Read with `lxml.etree.iterparse` one record element at a time; each record is freed (with its
earlier siblings) once its rows are built, so memory is bounded by the batch size. Entities are
not resolved and nothing is fetched (the DOCTYPE names a DTD that is never read).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import BinaryIO

from lxml import etree

from warehouse.errors import DamagedFile, UnsupportedFormat
from warehouse.formats.input_format import InputFormat
from warehouse.formats.xml_stream import free, iterparse

KINDS = {
    "DescriptorRecordSet": "descriptors",
    "QualifierRecordSet": "qualifiers",
    "SupplementalRecordSet": "supplementary",
}
"""Root element of a MeSH file -> the kind of vocabulary it holds."""
RECORD_TAGS = {
    "descriptors": "DescriptorRecord",
    "qualifiers": "QualifierRecord",
    "supplementary": "SupplementalRecord",
}
KIND_TABLES = {
    "descriptors": (
        "mesh_descriptors",
        "mesh_tree_numbers",
        "mesh_entry_terms",
        "mesh_allowable_qualifiers",
        "mesh_pharmacological_actions",
    ),
    "qualifiers": ("mesh_qualifiers",),
    "supplementary": (
        "mesh_supplementary_records",
        "mesh_headings_mapped_to",
        "mesh_pharmacological_actions",
    ),
}
"""Tables a kind's file fills (and replaces as a whole)."""
MESH_ROOT = re.compile(rb"<(DescriptorRecordSet|QualifierRecordSet|SupplementalRecordSet)[\s>]")
DOCTYPE_YEAR = re.compile(rb"<!DOCTYPE[^>]*?(?:set_|desc|qual|supp)(\d{4})(?:0101)?\.dtd", re.I)
DATE_PARTS = (("Year", None), ("Month", "01"), ("Day", "01"))
UI_TAGS = {
    "DescriptorRecord": "DescriptorUI",
    "QualifierRecord": "QualifierUI",
    "SupplementalRecord": "SupplementalRecordUI",
}
NAME_YEAR = re.compile(r"(?:desc|qual|supp)(\d{4})", re.IGNORECASE)


@dataclass
class MeshBatch:
    """Rows of up to `batch_size` records, one list of tuples per table."""

    kind: str
    records: int = 0
    rows: dict[str, list[tuple]] = field(default_factory=dict)
    newest_year: int | None = None
    """Latest year of any record date in the batch (the fallback for the MeSH year)."""


def mesh_kind(head: bytes) -> str | None:
    """The kind of MeSH file whose first bytes are `head`, or None when it is not one."""
    match = MESH_ROOT.search(head)
    return KINDS[match.group(1).decode()] if match else None


def declared_year(head: bytes, file_name: str) -> int | None:
    """MeSH year from the DOCTYPE's DTD name, else from a descYYYY/qualYYYY/suppYYYY name."""
    match = DOCTYPE_YEAR.search(head)
    if match:
        return int(match.group(1))
    named = NAME_YEAR.search(file_name)
    return int(named.group(1)) if named else None


def parse(stream: BinaryIO, kind: str, batch_size: int = 1000) -> Iterator[MeshBatch]:
    """Batches of rows from a MeSH file of `kind`; raises `DamagedFile` if the XML breaks off."""
    events = iterparse(stream, tag=RECORD_TAGS[kind])
    build = ROW_BUILDERS[kind]
    batch = _new_batch(kind)
    try:
        for _, elem in events:
            _refuse_entities(elem)
            build(elem, batch)
            batch.records += 1
            free(elem)
            if batch.records >= batch_size:
                yield batch
                batch = _new_batch(kind)
    except etree.XMLSyntaxError as exc:
        raise DamagedFile(f"MeSH XML breaks off or is not well-formed: {exc}") from exc
    except (EOFError, OSError) as exc:
        raise DamagedFile(f"file ends early or cannot be decompressed ({exc})") from exc
    if batch.records:
        yield batch


def _refuse_entities(record: etree._Element) -> None:
    """A record using a DOCTYPE entity would lose its text silently: refuse the file instead."""
    entity = next(record.iter(etree.Entity), None)
    if entity is not None:
        ui = record.findtext(UI_TAGS[record.tag])
        raise UnsupportedFormat(
            f"MeSH record {ui} uses the entity {entity.text}, declared in the file's DOCTYPE; "
            "entities are never resolved (NLM's MeSH files use none)"
        )


def _new_batch(kind: str) -> MeshBatch:
    return MeshBatch(kind, rows={table: [] for table in KIND_TABLES[kind]})


def _text(elem: etree._Element | None, path: str) -> str | None:
    """Stripped text at `path` below `elem`; None when absent or blank."""
    if elem is None:
        return None
    value = elem.findtext(path)
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _date(record: etree._Element, *tags: str, batch: MeshBatch) -> str | None:
    """ISO date of the first of `tags` present (Year/Month/Day children), as text."""
    for tag in tags:
        node = record.find(tag)
        if node is not None:
            parts = (
                node.findtext("Year"),
                node.findtext("Month", "01"),
                node.findtext("Day", "01"),
            )
            if not all(part and part.strip().isdigit() for part in parts):
                ui = record.findtext("DescriptorUI") or record.findtext("QualifierUI")
                ui = ui or record.findtext("SupplementalRecordUI")
                raise UnsupportedFormat(f"MeSH record {ui}: {tag} is not a Year/Month/Day date")
            year, month, day = (int(part) for part in parts)
            batch.newest_year = max(batch.newest_year or 0, year)
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _common_dates(record: etree._Element, batch: MeshBatch) -> tuple[str | None, str | None]:
    created = _date(record, "DateCreated", "DateIntroduced", batch=batch)
    revised = _date(record, "DateRevised", "LastUpdated", batch=batch)
    return created, revised


def _scope_note(record: etree._Element) -> str | None:
    """Scope note of the preferred concept."""
    for concept in record.iterfind("ConceptList/Concept"):
        if concept.get("PreferredConceptYN") == "Y":
            return _text(concept, "ScopeNote")
    return None


def _actions(record: etree._Element, ui: str, kind: str, batch: MeshBatch) -> None:
    for action in record.iterfind("PharmacologicalActionList/PharmacologicalAction"):
        ref = action.find("DescriptorReferredTo")
        batch.rows["mesh_pharmacological_actions"].append(
            (ui, kind, _text(ref, "DescriptorUI"), _text(ref, "DescriptorName/String"))
        )


def _descriptor_rows(record: etree._Element, batch: MeshBatch) -> None:
    """Rows of one DescriptorRecord: the descriptor, its trees, terms, qualifiers, actions."""
    ui = _text(record, "DescriptorUI")
    created, revised = _common_dates(record, batch)
    established = _date(record, "DateEstablished", batch=batch)
    batch.rows["mesh_descriptors"].append(
        (
            ui,
            _text(record, "DescriptorName/String"),
            record.get("DescriptorClass"),
            _scope_note(record),
            created,
            revised,
            established,
        )
    )
    _tree_rows(record, ui, batch)
    _term_rows(record, ui, batch)
    _allowable_rows(record, ui, batch)
    _actions(record, ui, "descriptors", batch)


def _tree_rows(record: etree._Element, ui: str, batch: MeshBatch) -> None:
    """One row per tree number, with its parent (the part before the last dot) and depth."""
    for tree in record.iterfind("TreeNumberList/TreeNumber"):
        number = " ".join((tree.text or "").split())
        parent, _, _ = number.rpartition(".")
        batch.rows["mesh_tree_numbers"].append((number, ui, parent or None, number.count(".") + 1))


def _term_rows(record: etree._Element, ui: str, batch: MeshBatch) -> None:
    """One row per term of every concept of the descriptor."""
    for concept in record.iterfind("ConceptList/Concept"):
        concept_ui = _text(concept, "ConceptUI")
        for term in concept.iterfind("TermList/Term"):
            batch.rows["mesh_entry_terms"].append(
                (
                    ui,
                    _text(term, "TermUI"),
                    _text(term, "String"),
                    concept_ui,
                    term.get("RecordPreferredTermYN") == "Y",
                    term.get("IsPermutedTermYN") == "Y",
                )
            )


def _allowable_rows(record: etree._Element, ui: str, batch: MeshBatch) -> None:
    """One row per qualifier allowed with the descriptor."""
    for allowed in record.iterfind("AllowableQualifiersList/AllowableQualifier"):
        ref = allowed.find("QualifierReferredTo")
        name = _text(ref, "QualifierName/String")
        abbreviation = _text(allowed, "Abbreviation")
        batch.rows["mesh_allowable_qualifiers"].append(
            (ui, _text(ref, "QualifierUI"), name, abbreviation)
        )


def _qualifier_rows(record: etree._Element, batch: MeshBatch) -> None:
    """The row of one QualifierRecord."""
    created, revised = _common_dates(record, batch)
    trees = [" ".join((t.text or "").split()) for t in record.iterfind("TreeNumberList/TreeNumber")]
    batch.rows["mesh_qualifiers"].append(
        (
            _text(record, "QualifierUI"),
            _text(record, "QualifierName/String"),
            _scope_note(record),
            trees or None,
            created,
            revised,
            _date(record, "DateEstablished", batch=batch),
        )
    )


def _supplementary_rows(record: etree._Element, batch: MeshBatch) -> None:
    """Rows of one SupplementalRecord: the record, its mapped headings and actions."""
    ui = _text(record, "SupplementalRecordUI")
    created, revised = _common_dates(record, batch)
    frequency = _text(record, "Frequency")
    batch.rows["mesh_supplementary_records"].append(
        (
            ui,
            _text(record, "SupplementalRecordName/String"),
            record.get("SCRClass"),
            _text(record, "Note"),
            int(frequency) if frequency else None,
            created,
            revised,
        )
    )
    for position, heading in enumerate(record.iterfind("HeadingMappedToList/HeadingMappedTo"), 1):
        descriptor = _text(heading, "DescriptorReferredTo/DescriptorUI") or ""
        qualifier = _text(heading, "QualifierReferredTo/QualifierUI")
        major = descriptor.startswith("*") or (qualifier or "").startswith("*")
        batch.rows["mesh_headings_mapped_to"].append(
            (
                ui,
                position,
                descriptor.lstrip("*"),
                _text(heading, "DescriptorReferredTo/DescriptorName/String"),
                qualifier.lstrip("*") if qualifier else None,
                major,
            )
        )
    _actions(record, ui, "supplementary", batch)


ROW_BUILDERS = {
    "descriptors": _descriptor_rows,
    "qualifiers": _qualifier_rows,
    "supplementary": _supplementary_rows,
}


def _is_kind(kind: str, text: bytes) -> bool:
    return mesh_kind(text) == kind


FORMATS = tuple(
    InputFormat(name=f"mesh-{kind}", recognises=partial(_is_kind, kind), markup=True)
    for kind in KINDS.values()
)
"""`mesh-descriptors`, `mesh-qualifiers`, `mesh-supplementary`: read by
`warehouse.loading.vocabulary`."""
