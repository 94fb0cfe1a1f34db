"""Guess an input file's format from its first bytes (a few kilobytes are enough)."""

from __future__ import annotations

import re

__all__ = ["FORMATS", "sniff_format"]

FORMATS = ("iso2709", "marcxml", "marcjson", "oai_dc", "csv", "xlsx", "unknown")

MARC_NS = b"http://www.loc.gov/MARC21/slim"
TURBOMARC_NS = b"http://www.indexdata.com/turbomarc"
OAI_DC_NS = b"http://www.openarchives.org/OAI/2.0/oai_dc/"
_BOMS = (b"\xef\xbb\xbf",)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_LEADER = re.compile(rb"\d{5}[\x20-\x7e]{7}\d{5}")
_ROOT = re.compile(rb"<(?:([\w.-]+):)?([\w.-]+)[\s>/]")
_MARCXML_CHILD = re.compile(rb"<(?:[\w.-]+:)?(?:leader|controlfield|datafield)[\s>]")
_DC_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?dc[\s>]|<dc:(?:title|creator|identifier)[\s>]")
_JSON_MARC = re.compile(rb'"leader"\s*:')
_ZIP = b"PK\x03\x04"


def sniff_format(head: bytes) -> str:
    """One of ``FORMATS``: "iso2709", "marcxml" (MARCXML, also inside OAI-PMH responses,
    and Index Data's turbomarc), "marcjson", "oai_dc", "csv", "xlsx" or "unknown"."""
    head = _strip_bom(head)
    text = head.lstrip(b" \t\r\n")
    if not text:
        return "unknown"
    if _LEADER.match(text) or (text[:5].isdigit() and b"\x1e" in text[:4096]):
        return "iso2709"
    if text.startswith(_ZIP):
        return "xlsx" if b"[Content_Types].xml" in head or b"xl/" in head else "unknown"
    if text.startswith(b"<"):
        return _sniff_xml(text)
    if text[:1] in (b"{", b"["):
        return "marcjson" if _JSON_MARC.search(text) else "unknown"
    return "csv" if _looks_like_csv(text) else "unknown"


def _strip_bom(head: bytes) -> bytes:
    for bom in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :]
    if head[:2] in _UTF16_BOMS:
        encoding = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
        usable = head[2 : 2 + (len(head) - 2) // 2 * 2]
        return usable.decode(encoding, errors="replace").encode("utf-8")
    return head


def _sniff_xml(text: bytes) -> str:
    if MARC_NS in text or TURBOMARC_NS in text:
        return "marcxml"
    if OAI_DC_NS in text or _DC_ELEMENT.search(text):
        return "oai_dc"
    root = _root_name(text)
    if root in (b"collection", b"record") and _MARCXML_CHILD.search(text):
        return "marcxml"  # MARCXML without its namespace
    return "unknown"


def _root_name(text: bytes) -> bytes | None:
    """Local name of the first element, after the declaration, comments and doctype."""
    for match in _ROOT.finditer(text):
        if text[match.start() + 1 : match.start() + 2] not in (b"?", b"!"):
            return match.group(2)
    return None


def _looks_like_csv(text: bytes) -> bool:
    if b"\x00" in text or b"\x1d" in text or b"\x1e" in text:
        return False
    lines = [line for line in text.splitlines()[:5] if line.strip()]
    if not lines:
        return False
    for delimiter in (b",", b";", b"\t"):
        counts = {line.count(delimiter) for line in lines[:-1] or lines}
        if len(counts) == 1 and counts.pop() > 0:
            return True
    return False
