"""MODS 3.6 and simple Dublin Core from the Dublin Core elements a digital object carries.

The mapping follows the Library of Congress "Dublin Core Metadata Element Set Mapping to
MODS Version 3" and its stated defaults (description to ``note``, date to ``dateOther``, a
DCMI type to ``genre`` with authority "dct" plus the MODS ``typeOfResource`` when one fits).
An element outside the fifteen is kept as a ``note`` labelled with its name, never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from lxml import etree

from thuvien.digital.preservation.premis import xml_text

__all__ = ["DC_ELEMENTS", "DC_NS", "MODS_NS", "OAI_DC_NS", "dc_element", "mods_element", "mods_xml"]

MODS_NS = "http://www.loc.gov/mods/v3"
DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MODS_SCHEMA = "http://www.loc.gov/mods/v3 http://www.loc.gov/standards/mods/v3/mods-3-6.xsd"
DC_ELEMENTS = (
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
)  # fmt: skip

# DCMI Type Vocabulary term -> MODS typeOfResource (None: no MODS equivalent).
DCMI_TYPES = {
    "collection": "mixed material",
    "dataset": "software, multimedia",
    "event": None,
    "image": "still image",
    "interactiveresource": "software, multimedia",
    "movingimage": "moving image",
    "physicalobject": "three dimensional object",
    "service": "software, multimedia",
    "software": "software, multimedia",
    "sound": "sound recording",
    "stillimage": "still image",
    "text": "text",
}
# Common Vietnamese type words in TCVN 7980 records -> typeOfResource (and manuscript flag).
VIETNAMESE_TYPES = {
    "văn bản": ("text", False),
    "sách": ("text", False),
    "báo": ("text", False),
    "tạp chí": ("text", False),
    "bản thảo": ("text", True),
    "thủ bút": ("text", True),
    "hình ảnh": ("still image", False),
    "ảnh": ("still image", False),
    "bản đồ": ("cartographic", False),
    "âm thanh": ("sound recording", False),
    "phim": ("moving image", False),
    "video": ("moving image", False),
}
_MIME = re.compile(r"^[a-z]+/[a-z0-9.+-]+$", re.IGNORECASE)
_W3CDTF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_TEMPORAL = re.compile(r"^\s*(\d{3,4}|thế kỷ|century)", re.IGNORECASE)


def mods_xml(dc: dict[str, list[str]]) -> bytes:
    """A standalone MODS record (pretty UTF-8) from Dublin Core elements."""
    return etree.tostring(
        mods_element(dc), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def mods_element(dc: dict[str, list[str] | str]) -> etree._Element:
    root = etree.Element(_m("mods"), nsmap={"mods": MODS_NS, "xsi": XSI}, version="3.6")
    root.set(f"{{{XSI}}}schemaLocation", MODS_SCHEMA)
    values = normalise(dc)
    for name in DC_ELEMENTS:
        if values.get(name):
            _MAPPERS[name](root, values[name])
    for name, items in values.items():
        if name not in DC_ELEMENTS:
            for value in items:
                _sub(root, "note", value, displayLabel=name)
    return root


def dc_element(dc: dict[str, list[str] | str]) -> etree._Element:
    """The fifteen elements as an ``oai_dc:dc`` record (what METS's DC section holds)."""
    root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS})
    values = normalise(dc)
    for name in DC_ELEMENTS:
        for value in values.get(name, []):
            etree.SubElement(root, f"{{{DC_NS}}}{name}").text = xml_text(value)
    return root


def normalise(dc: dict[str, list[str] | str]) -> dict[str, list[str]]:
    """Element names without a ``dc:`` prefix, values as lists of non-empty NFC strings."""
    out: dict[str, list[str]] = {}
    for key, raw in (dc or {}).items():
        name = re.sub(r"^(dc|dcterms)[:.]", "", str(key).strip(), flags=re.IGNORECASE)
        name = name.lower() if name.lower() in DC_ELEMENTS else name
        items = [raw] if isinstance(raw, str) else list(raw or [])
        cleaned = [unicodedata.normalize("NFC", str(v)).strip() for v in items if v is not None]
        out.setdefault(name, []).extend(v for v in cleaned if v)
    return out


# -- element mappers ----------------------------------------------------------------------------


def _m(name: str) -> str:
    return f"{{{MODS_NS}}}{name}"


def _sub(parent, name: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, _m(name), {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = xml_text(text)
    return element


def _title(root, values: list[str]) -> None:
    for index, value in enumerate(values):
        info = _sub(root, "titleInfo", type=None if index == 0 else "alternative")
        _sub(info, "title", value)


def _names(role: str):
    def add(root, values: list[str]) -> None:
        for value in values:
            name = _sub(root, "name")
            _sub(name, "namePart", value)
            _sub(_sub(name, "role"), "roleTerm", role, type="text")

    return add


def _subject(root, values: list[str]) -> None:
    for value in values:
        _sub(_sub(root, "subject"), "topic", value)


def _description(root, values: list[str]) -> None:
    for value in values:
        _sub(root, "note", value)


def _origin(root, values: Iterable[str], child: str) -> None:
    """Publisher and dates share one ``originInfo``."""
    info = root.find(_m("originInfo"))
    if info is None:
        info = _sub(root, "originInfo")
    for value in values:
        if child == "dateOther":
            first = info.find(_m("dateOther")) is None
            encoding = "w3cdtf" if _W3CDTF.match(value) else None
            _sub(info, child, value, encoding=encoding, keyDate="yes" if first else None)
        else:
            _sub(info, child, value)


def _type(root, values: list[str]) -> None:
    for value in values:
        key = value.casefold().replace(" ", "")
        if key in DCMI_TYPES:
            kind = DCMI_TYPES[key]
            if kind:
                collection = "yes" if key == "collection" else None
                _sub(root, "typeOfResource", kind, collection=collection)
            _sub(root, "genre", value, authority="dct")
            continue
        known = VIETNAMESE_TYPES.get(value.casefold())
        if known:
            _sub(root, "typeOfResource", known[0], manuscript="yes" if known[1] else None)
        _sub(root, "genre", value)


def _format(root, values: list[str]) -> None:
    description = _sub(root, "physicalDescription")
    for value in values:
        if _MIME.match(value):
            _sub(description, "internetMediaType", value.lower())
        elif re.search(r"\d", value):
            _sub(description, "extent", value)
        else:
            _sub(description, "form", value)


def _identifier(root, values: list[str]) -> None:
    for value in values:
        lowered = value.lower()
        if lowered.startswith(("http://", "https://")):
            kind = "uri"
        elif lowered.startswith(("doi:", "10.")):
            kind = "doi"
        elif _is_issn(value):
            kind = "issn"
        elif _is_isbn(value):
            kind = "isbn"
        else:
            kind = None
        _sub(root, "identifier", value, type=kind)


def _digits(value: str, prefix: str) -> str:
    text = re.sub(rf"^\s*{prefix}[:\s]*", "", value, flags=re.IGNORECASE)
    return "" if re.search(r"[^\dXx\s-]", text) else re.sub(r"[\s-]", "", text).upper()


def _is_isbn(value: str) -> bool:
    """ISBN-10 or ISBN-13 with a correct check digit (a plain number is not taken for one)."""
    code = _digits(value, "isbn")
    if len(code) == 10 and code[:9].isdigit():
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(code))
        return total % 11 == 0
    if len(code) == 13 and code.isdigit() and code[:3] in ("978", "979"):
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(code))
        return total % 10 == 0
    return False


def _is_issn(value: str) -> bool:
    code = _digits(value, "issn")
    if len(code) != 8 or not code[:7].isdigit() or "-" not in value:
        return False
    total = sum((8 - i) * int(c) for i, c in enumerate(code[:7]))
    check = (11 - total % 11) % 11
    return code[7] == ("X" if check == 10 else str(check))


def _related(kind: str | None):
    def add(root, values: list[str]) -> None:
        for value in values:
            item = _sub(root, "relatedItem", type=kind)
            if value.lower().startswith(("http://", "https://")):
                _sub(_sub(item, "location"), "url", value)
            else:
                _sub(_sub(item, "titleInfo"), "title", value)

    return add


def _language(root, values: list[str]) -> None:
    for value in values:
        if re.fullmatch(r"[a-z]{3}", value):
            term = {"type": "code", "authority": "iso639-2b"}
        elif re.fullmatch(r"[a-z]{2}(-[A-Za-z0-9]{2,8})*", value):
            term = {"type": "code", "authority": "rfc5646"}
        else:
            term = {"type": "text"}
        _sub(_sub(root, "language"), "languageTerm", value, **term)


def _coverage(root, values: list[str]) -> None:
    for value in values:
        child = "temporal" if _TEMPORAL.match(value) else "geographic"
        _sub(_sub(root, "subject"), child, value)


def _rights(root, values: list[str]) -> None:
    for value in values:
        _sub(root, "accessCondition", value)


_MAPPERS = {
    "title": _title,
    "creator": _names("creator"),
    "subject": _subject,
    "description": _description,
    "publisher": lambda root, values: _origin(root, values, "publisher"),
    "contributor": _names("contributor"),
    "date": lambda root, values: _origin(root, values, "dateOther"),
    "type": _type,
    "format": _format,
    "identifier": _identifier,
    "source": _related("original"),
    "language": _language,
    "relation": _related(None),
    "coverage": _coverage,
    "rights": _rights,
}
