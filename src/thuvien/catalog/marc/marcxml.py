"""MARCXML reading, streamed through the project's hardened XML parser.

Reads a MARCXML collection or single record, with or without the MARC namespace, records
inside OAI-PMH responses (the envelope is skipped; deleted records carry no MARC record and
yield nothing), and Index Data's turbomarc (what yaz writes with ``-o turbomarc``).
Entities are refused by ``thuvien.kernel.xml`` (XXE, billion laughs): such a document, or
one that is not well-formed, ends the file with an error item after the records read so far.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from thuvien.catalog.marc.build import finish_record, is_control_tag
from thuvien.catalog.marc.items import ReadItem, RecordProblem, failed, unexpected
from thuvien.catalog.marc.rawxml import RawXmlTracker
from thuvien.catalog.marc.record import ControlField, DataField
from thuvien.kernel.xml import XMLError, iterparse

__all__ = ["read_marcxml"]

MARC_NS = "http://www.loc.gov/MARC21/slim"
TURBOMARC_NS = "http://www.indexdata.com/turbomarc"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
_MARC_RECORDS = frozenset({f"{{{MARC_NS}}}record", "record"})
_TURBO_RECORD = f"{{{TURBOMARC_NS}}}r"
_OAI_RECORD = f"{{{OAI_NS}}}record"
# OAI records are asked for only so that the parser lets go of each envelope in turn.
_TAGS = (*_MARC_RECORDS, _TURBO_RECORD, _OAI_RECORD)

_FIELD_NAMES = frozenset({"leader", "controlfield", "datafield"})

Field = ControlField | DataField


def read_marcxml(stream: BinaryIO) -> Iterator[ReadItem]:
    """Yield one item per MARC record element, in document order."""
    tracker = RawXmlTracker(stream)
    position = 0
    try:
        for element in iterparse(tracker, _TAGS):
            if element.tag == _OAI_RECORD or _is_envelope(element):
                continue
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


def _is_envelope(element: etree._Element) -> bool:
    """An un-namespaced "record" that wraps another record instead of holding fields."""
    if element.tag != "record":
        return False
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname in _FIELD_NAMES:
            return False
    return any(inner.tag in _TAGS for inner in element.iterdescendants())


def _read_element(position: int, element: etree._Element, tracker: RawXmlTracker) -> ReadItem:
    raw, offset = tracker.raw(element)
    try:
        leader, fields, conversions = _fields(element)
        record = finish_record(leader, fields, conversions)
    except RecordProblem as problem:
        return failed(position, offset, raw, problem.vi, problem.en)
    except Exception as error:  # one unforeseen record must not stop a batch
        return unexpected(position, offset, raw, error)
    return ReadItem(position, offset, raw, record, None, tuple(conversions))


def _fields(element: etree._Element) -> tuple[str, list[Field], list[str]]:
    turbo = element.tag == _TURBO_RECORD
    leader: str | None = None
    fields: list[Field] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        name = etree.QName(child).localname
        if name in ("leader", "l"):
            leader = child.text or ""
        elif turbo:
            field = _turbo_field(name, child)
            if field is not None:
                fields.append(field)
        elif name == "controlfield":
            fields.append(ControlField(_tag(child, len(fields)), child.text or ""))
        elif name == "datafield":
            fields.append(_data_field(child, len(fields)))
    if not fields:
        raise RecordProblem("biểu ghi không có trường nào", "record has no fields")
    return leader or "", fields, []


def _tag(child: etree._Element, index: int) -> str:
    tag = child.get("tag")
    if tag is None:
        raise RecordProblem(
            f"trường thứ {index + 1} thiếu thuộc tính tag (dòng {child.sourceline})",
            f"field {index + 1} has no tag attribute (line {child.sourceline})",
        )
    return tag


def _data_field(child: etree._Element, index: int) -> DataField:
    tag = _tag(child, index)
    subfields: list[tuple[str, str]] = []
    for sub in child:
        if not isinstance(sub.tag, str) or etree.QName(sub).localname != "subfield":
            continue
        code = sub.get("code")
        if not code:
            raise RecordProblem(
                f"trường {tag}: trường con thiếu mã (dòng {sub.sourceline})",
                f"field {tag}: subfield without a code (line {sub.sourceline})",
            )
        subfields.append((code, sub.text or ""))
    return DataField(tag, _indicators(child), subfields)


def _indicators(child: etree._Element) -> str:
    return (child.get("ind1") or " ")[:1] + (child.get("ind2") or " ")[:1]


def _turbo_field(name: str, child: etree._Element) -> Field | None:
    """Turbomarc: <c001>value</c001>, <d245 i1= i2=><sa>...</sa><s code="&">...</s></d245>."""
    kind, tag = name[:1], name[1:]
    if kind == "c" or (kind == "d" and is_control_tag(tag) and len(child) == 0):
        return ControlField(tag, child.text or "")
    if kind != "d":
        return None
    subfields: list[tuple[str, str]] = []
    for sub in child:
        if not isinstance(sub.tag, str):
            continue
        sub_name = etree.QName(sub).localname
        code = sub.get("code") if sub_name == "s" else sub_name[1:]
        if sub_name.startswith("s") and code:
            subfields.append((code, sub.text or ""))
    indicators = (child.get("i1") or " ")[:1] + (child.get("i2") or " ")[:1]
    return DataField(tag, indicators, subfields)
