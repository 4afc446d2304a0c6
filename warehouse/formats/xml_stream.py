"""Streaming XML reading, hardened the same way for every XML input (PubMed, MeSH, efetch).

Entities are never resolved and no DTD, file or network is read; markup nested deeper or text
larger than libxml2's default limits is refused (`huge_tree=False`); comments are dropped so
that a comment never splits an element's text. A processed record is freed with its earlier
siblings, so memory stays bounded by what the caller keeps, whatever the file's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree


def iterparse(
    stream: BinaryIO,
    tag: str | tuple[str, ...] | None = None,
    events: tuple[str, ...] = ("end",),
) -> Iterator[tuple[str, etree._Element]]:
    """`lxml.etree.iterparse` over `stream` with the hardened settings."""
    return etree.iterparse(
        stream,
        events=events,
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )


def free(elem: etree._Element) -> None:
    """Release a processed record and every earlier sibling still attached to the root."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]
