"""The bytes of each XML record element exactly as they are in the file.

lxml gives elements, not byte offsets. This wrapper sits between the stream and the
parser, keeps the bytes the parser has read (a bounded window), and finds a record's start
and end tags in them, using the line lxml reports to stay in step. Records do not nest,
so a start tag followed by another start tag of the same name before its end tag is an
envelope and is skipped.

The slice is used as ``raw`` only when it can be read again on its own (every namespace
prefix it uses is declared inside it, and the document is UTF-8); otherwise lxml's
serialisation of the element, which declares its namespaces, stands in.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from lxml import etree

__all__ = ["RawXmlTracker"]

KEEP_BYTES = 16 << 20  # a record element larger than this falls back to serialisation
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.-]+)""")
_PREFIX_USE = re.compile(rb"</?([\w.-]+):[\w.-]+|\s([\w.-]+):[\w.-]+\s*=")
_FIELD_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:leader|controlfield|datafield|l|[cd]\w{3})[\s>/]")


class RawXmlTracker:
    """A file-like object for the parser that remembers what it has read."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self._buffer = bytearray()
        self._origin = 0  # stream offset of _buffer[0]
        self._line = 1  # line number at _buffer[0]
        self._utf8: bool | None = None

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        if self._utf8 is None and chunk:
            match = _DECLARED_ENCODING.match(chunk)
            self._utf8 = match is None or match.group(1).lower() in (b"utf-8", b"utf8", b"ascii")
        self._buffer += chunk
        if len(self._buffer) > 2 * KEEP_BYTES:
            self._drop(len(self._buffer) - KEEP_BYTES)
        return chunk

    def rest(self) -> bytes:
        """What is left of the window (the bytes around a parse error)."""
        return bytes(self._buffer[:KEEP_BYTES])

    def raw(self, element: etree._Element, fields: bool = True) -> tuple[bytes, int]:
        """The element's bytes and byte offset, or its serialisation and -1. ``fields``:
        the element holds MARC fields (which tells a record from an empty envelope)."""
        span = self._find(element, fields)
        if span is None:
            return etree.tostring(element, encoding="utf-8"), -1
        start, end = span
        data = bytes(self._buffer[start:end])
        offset = self._origin + start
        self._drop(end)
        if not self._utf8 or not _stands_alone(data):
            return etree.tostring(element, encoding="utf-8"), offset
        return data, offset

    def _drop(self, count: int) -> None:
        self._line += self._buffer.count(b"\n", 0, count)
        del self._buffer[:count]
        self._origin += count

    def _find(self, element: etree._Element, fields: bool) -> tuple[int, int] | None:
        name = etree.QName(element).localname.encode()
        prefix = (element.prefix or "").encode()
        qualified = re.escape(prefix + b":" + name if prefix else name)
        start_tag = re.compile(rb"<" + qualified + rb"(?=[\s>/])")
        end_tag = re.compile(rb"</" + qualified + rb"\s*>")
        buffer, line, at = self._buffer, self._line, 0
        for match in start_tag.finditer(buffer):
            line += buffer.count(b"\n", at, match.start())
            at = match.start()
            # libxml2 numbers an element by the line where its start tag ends.
            tag_close = buffer.find(b">", match.end())
            if line + buffer.count(b"\n", at, max(tag_close, at)) < (element.sourceline or 0):
                continue
            end = _element_end(buffer, match, start_tag, end_tag)
            if end is not None and (not fields or _FIELD_TAG.search(buffer, match.end(), end)):
                return match.start(), end
        return None


def _element_end(
    buffer: bytearray, start: re.Match[bytes], start_tag: re.Pattern, end_tag: re.Pattern
) -> int | None:
    """End of the element whose start tag is ``start``, or None if another element of the
    same name opens first (an envelope)."""
    tag_close = buffer.find(b">", start.end())
    if tag_close < 0:
        return None
    if buffer[tag_close - 1 : tag_close] == b"/":
        return tag_close + 1  # <record/>
    closing = end_tag.search(buffer, tag_close + 1)
    if closing is None:
        return None
    nested = start_tag.search(buffer, tag_close + 1, closing.start())
    return None if nested else closing.end()


def _stands_alone(data: bytes) -> bool:
    """Every namespace prefix used in ``data`` is declared in it."""
    for match in _PREFIX_USE.finditer(data):
        prefix = match.group(1) or match.group(2)
        if prefix in (b"xml", b"xmlns"):
            continue
        if b"xmlns:" + prefix + b"=" not in data:
            return False
    return True
