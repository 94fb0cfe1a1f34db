"""The one way to parse XML that comes from outside (uploads, harvests, MARCXML, METS).

lxml is configured so that a document cannot reach beyond itself or blow up: no
entity expansion (XXE, billion laughs), no DTD loading, no network, libxml2's default
limits on depth and node size (huge_tree off), and a byte limit on the input. A
document that declares entities is refused outright: nothing we read needs them, and
an unexpanded reference would silently lose text.

Errors say what and where, in Vietnamese first and then English.
"""

import re
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree

__all__ = [
    "DEFAULT_MAX_BYTES",
    "XMLError",
    "XMLParseError",
    "XMLSecurityError",
    "iterparse",
    "parse_bytes",
    "parse_file",
    "safe_parser",
]

DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # whole documents held in memory
_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY")
# Entity loops and amplification: what a billion-laughs document trips.
_LIMIT_ERRORS = frozenset({etree.ErrorTypes.ERR_RESOURCE_LIMIT, etree.ErrorTypes.ERR_ENTITY_LOOP})


class XMLError(ValueError):
    """A document was refused; ``line`` and ``column`` say where (1-based, if known)."""

    def __init__(self, vi: str, en: str, line: int | None = None, column: int | None = None):
        self.line = line
        self.column = column
        where_vi = where_en = ""
        if line is not None:
            where_vi = f" (dòng {line}, cột {column or 1})"
            where_en = f" (line {line}, column {column or 1})"
        super().__init__(f"{vi}{where_vi} / {en}{where_en}")


class XMLParseError(XMLError):
    """The bytes are not well-formed XML."""


class XMLSecurityError(XMLError):
    """The document is too large or uses a construct refused for safety (entities)."""


def safe_parser() -> etree.XMLParser:
    """A new hardened parser (lxml parsers are not safe to share between threads)."""
    return etree.XMLParser(**_PARSER_OPTIONS)


def _too_large(size: int, max_bytes: int) -> XMLSecurityError:
    return XMLSecurityError(
        f"Tài liệu XML quá lớn: {size} byte, giới hạn {max_bytes} byte",
        f"XML document too large: {size} bytes, limit {max_bytes} bytes",
    )


def _syntax_error(error: etree.XMLSyntaxError) -> XMLError:
    line, column = error.position if error.position else (None, None)
    # libxml2 ends its message with the position, which the message gives anyway.
    detail = re.sub(r", line \d+, column \d+$", "", error.msg or str(error))
    if error.code in _LIMIT_ERRORS:
        return XMLSecurityError(
            f"Tài liệu XML vượt giới hạn an toàn: {detail}",
            f"XML document exceeds a safety limit: {detail}",
            line,
            column,
        )
    return XMLParseError(
        f"Tài liệu XML không hợp lệ: {detail}", f"Invalid XML: {detail}", line, column
    )


def _check_entity_references(element: etree._Element) -> None:
    """Refuse references left unexpanded (declared in a DTD we did not load): their
    text would be silently missing."""
    for entity in element.iter(etree.Entity):
        name = entity.text
        raise XMLParseError(
            f"Tham chiếu thực thể {name} không được hỗ trợ (cần DTD ngoài, không được nạp)",
            f"Entity reference {name} is not supported (needs an external DTD, not loaded)",
            entity.sourceline,
        )


def _entities_error(line: int | None, column: int | None) -> XMLSecurityError:
    return XMLSecurityError(
        "Tài liệu XML khai báo thực thể (<!ENTITY>), bị từ chối vì lý do an toàn",
        "XML document declares entities (<!ENTITY>), refused for safety",
        line,
        column,
    )


def _declares_entities(root: etree._Element) -> bool:
    dtd = root.getroottree().docinfo.internalDTD
    return dtd is not None and any(True for _ in dtd.iterentities())


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def parse_bytes(
    data: bytes | bytearray | memoryview, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> etree._Element:
    """Parse a whole document held in memory and return its root element."""
    if isinstance(data, str):
        raise TypeError("parse_bytes() takes bytes: XML declares its own encoding")
    data = bytes(data)
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error) from None
    if _declares_entities(root):
        match = _ENTITY_DECLARATION.search(data)
        line, column = _position(data, match.start()) if match else (None, None)
        raise _entities_error(line, column)
    _check_entity_references(root)
    return root


def parse_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse a document from a file, refusing it before reading if it is too large."""
    size = Path(path).stat().st_size
    if size > max_bytes:
        raise _too_large(size, max_bytes)
    return parse_bytes(Path(path).read_bytes(), max_bytes=max_bytes)


class _LimitedReader:
    """File wrapper that stops reading once ``max_bytes`` have gone through."""

    def __init__(self, file_obj: BinaryIO, max_bytes: int | None):
        self._file = file_obj
        self._max = max_bytes
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._file.read(size)
        self.consumed += len(chunk)
        if self._max is not None and self.consumed > self._max:
            raise _too_large(self.consumed, self._max)
        return chunk


def iterparse(
    file_obj: BinaryIO,
    tag: str | Collection[str] | None = None,
    *,
    max_bytes: int | None = None,
) -> Iterator[etree._Element]:
    """Stream the elements named ``tag`` (all elements if None) from a binary file.

    Memory stays bounded: each element is cleared once the caller moves on, and the
    already-seen siblings are dropped from the tree. Use or copy what you need from an
    element before asking for the next. ``max_bytes`` caps the input size (no cap by
    default: streaming is for large files).
    """
    reader = _LimitedReader(file_obj, max_bytes)
    events = etree.iterparse(reader, events=("end",), tag=tag, **_PARSER_OPTIONS)
    checked = False
    try:
        for _, element in events:
            if not checked:
                if _declares_entities(element):
                    raise _entities_error(None, None)
                checked = True
            _check_entity_references(element)
            yield element
            _release(element)
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error) from None


def _release(element: etree._Element) -> None:
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
