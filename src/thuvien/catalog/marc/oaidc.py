"""Dublin Core (oai_dc) files and OAI-PMH responses, read as MARC 21 records.

The crosswalk is ``thuvien.catalog.marc.dublin_core.read_oai_dc``; this module streams the
``oai_dc:dc`` elements through the hardened parser and wraps each in a ReadItem like the
MARC readers do, so an ingest reads every format the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from thuvien.catalog.marc.build import finish_record
from thuvien.catalog.marc.dublin_core import OAI_DC_NS, DublinCoreError, read_oai_dc
from thuvien.catalog.marc.items import ReadItem, failed, unexpected
from thuvien.catalog.marc.rawxml import RawXmlTracker
from thuvien.kernel.xml import XMLError, iterparse

__all__ = ["read_dublin_core"]

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
_DC = f"{{{OAI_DC_NS}}}dc"
_OAI_RECORD = f"{{{OAI_NS}}}record"  # asked for so that each envelope is let go in turn


def read_dublin_core(stream: BinaryIO) -> Iterator[ReadItem]:
    """Yield one item per ``oai_dc:dc`` element, in document order."""
    tracker = RawXmlTracker(stream)
    position = 0
    try:
        for element in iterparse(tracker, (_DC, _OAI_RECORD)):
            if element.tag == _DC:
                position += 1
                yield _read_element(position, element, tracker)
    except XMLError as error:
        vi, _, en = str(error).partition(" / ")
        yield failed(
            position + 1,
            -1,
            tracker.rest(),
            f"tệp XML bị từ chối hoặc hỏng, dừng đọc tại đây: {vi}",
            f"XML file refused or broken, reading stops here: {en or vi}",
        )


def _read_element(position: int, element: etree._Element, tracker: RawXmlTracker) -> ReadItem:
    raw, offset = tracker.raw(element, fields=False)
    conversions = ["dc->marc21"]
    try:
        crosswalked = read_oai_dc(element)
        record = finish_record(crosswalked.leader, crosswalked.fields, conversions)
    except DublinCoreError as problem:
        return failed(position, offset, raw, problem.vi, problem.en)
    except Exception as error:  # one unforeseen record must not stop a batch
        return unexpected(position, offset, raw, error)
    return ReadItem(position, offset, raw, record, None, tuple(conversions))
