"""MARC-in-JSON reading (https://rossfsinger.com/blog/2010/09/a-proposal-to-serialize-marc-in-json/):
one object, an array of objects, or one object per line, streamed object by object.

Bytes that are not UTF-8 are kept (as surrogate escapes) and the values holding them are
decoded like the fields of an ISO 2709 record (legacy Vietnamese encodings, Latin-1).
An object that is not valid JSON yields an error item; reading resumes at the next object
that starts like a record ('{"leader"' or '{"fields"').
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from thuvien.catalog.marc.build import finish_record
from thuvien.catalog.marc.encodings import decode_chunks
from thuvien.catalog.marc.items import ReadItem, RecordProblem, failed, unexpected
from thuvien.catalog.marc.record import ControlField, DataField

__all__ = ["read_marc_json"]

READ_SIZE = 1 << 20
MAX_OBJECT_CHARS = 16 << 20
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[\s\ufeff]*")
_RECORD_START = re.compile(r'\{\s*"(?:leader|fields)"\s*:')
_SURROGATE = re.compile("[\udc80-\udcff]")

Field = ControlField | DataField


class _Text:
    """Decoded text of the stream, a window at a time, with byte offsets kept."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        self.text = ""
        self.pos = 0
        self.offset = 0  # byte offset of text[pos]
        self.eof = False

    def more(self) -> bool:
        """Read another block; False at the end of the stream."""
        if self.eof:
            return False
        block = self.stream.read(READ_SIZE)
        self.eof = not block
        self.text = self.text[self.pos :] + self.decoder.decode(block, final=self.eof)
        self.pos = 0
        return bool(block)

    def skip_space(self) -> bool:
        """Step over blanks; False when nothing is left."""
        while True:
            self.consume(_SPACE.match(self.text, self.pos).end())
            if self.pos < len(self.text):
                return True
            if not self.more():
                return False

    def consume(self, end: int) -> tuple[bytes, int]:
        """Take text[pos:end]; return its bytes as in the stream and their offset."""
        raw = self.text[self.pos : end].encode("utf-8", errors="surrogateescape")
        offset = self.offset
        self.offset += len(raw)
        self.pos = end
        return raw, offset


def read_marc_json(stream: BinaryIO) -> Iterator[ReadItem]:
    """Yield one item per MARC-in-JSON object."""
    text = _Text(stream)
    position = 0
    in_array = False
    if text.skip_space() and text.text[text.pos] == "[":
        in_array = True
        text.consume(text.pos + 1)
    while text.skip_space():
        char = text.text[text.pos]
        if in_array and char in ",]":
            text.consume(text.pos + 1)
            continue
        position += 1
        yield _next_item(text, position)


def _next_item(text: _Text, position: int) -> ReadItem:
    value, end, error = _decode_value(text)
    if error is not None:
        raw, offset = text.consume(_resume(text))
        return failed(
            position,
            offset,
            raw,
            f"JSON không hợp lệ: {error.msg} (dòng {error.lineno} của đối tượng)",
            f"invalid JSON: {error.msg} (line {error.lineno} of the object)",
        )
    raw, offset = text.consume(end)
    try:
        leader, fields, conversions = _fields(value)
        record = finish_record(leader, fields, conversions)
    except RecordProblem as problem:
        return failed(position, offset, raw, problem.vi, problem.en)
    except Exception as error:  # one unforeseen record must not stop a batch
        return unexpected(position, offset, raw, error)
    return ReadItem(position, offset, raw, record, None, tuple(conversions))


def _decode_value(text: _Text) -> tuple[Any, int, json.JSONDecodeError | None]:
    """Decode the value at text.pos, reading more while it may just be incomplete."""
    last_error: json.JSONDecodeError | None = None
    while True:
        try:
            value, end = _DECODER.raw_decode(text.text, text.pos)
        except RecursionError:
            nested = json.JSONDecodeError("nested too deeply", text.text[text.pos :], 0)
            return None, text.pos, nested
        except json.JSONDecodeError as error:
            local = json.JSONDecodeError(error.msg, text.text[text.pos :], error.pos - text.pos)
            same = last_error is not None and last_error.pos == local.pos
            too_big = len(text.text) - text.pos > MAX_OBJECT_CHARS
            if same or too_big or not text.more():
                return None, text.pos, local
            last_error = local
            continue
        return value, end, None


def _resume(text: _Text) -> int:
    """Where the next record-like object starts after a broken one (or the end)."""
    while True:
        found = _RECORD_START.search(text.text, text.pos + 1)
        if found:
            return found.start()
        if len(text.text) - text.pos > MAX_OBJECT_CHARS or not text.more():
            return min(len(text.text), text.pos + MAX_OBJECT_CHARS)


def _fields(value: Any) -> tuple[str, list[Field], list[str]]:
    if not isinstance(value, dict):
        raise RecordProblem("không phải đối tượng JSON", "not a JSON object")
    leader, entries = value.get("leader", ""), value.get("fields")
    if not isinstance(leader, str):
        raise RecordProblem("leader không phải chuỗi", "leader is not a string")
    if not isinstance(entries, list) or not entries:
        raise RecordProblem("thiếu mảng fields hoặc mảng rỗng", "fields array missing or empty")
    fields = [_field(entry, index) for index, entry in enumerate(entries, 1)]
    conversions = _decode_stray_bytes(fields)
    return leader, fields, conversions


def _field(entry: Any, index: int) -> Field:
    if not isinstance(entry, dict) or len(entry) != 1:
        raise RecordProblem(
            f"trường thứ {index} phải là đối tượng có đúng một nhãn trường",
            f"field {index} must be an object with exactly one tag",
        )
    ((tag, content),) = entry.items()
    if isinstance(content, str):
        return ControlField(tag, content)
    if not isinstance(content, dict) or not isinstance(content.get("subfields"), list):
        raise RecordProblem(
            f"trường {tag} (thứ {index}): cần chuỗi hoặc đối tượng có subfields",
            f"field {tag} (number {index}): a string or an object with subfields expected",
        )
    subfields = [_subfield(sub, tag) for sub in content["subfields"]]
    ind1, ind2 = content.get("ind1", " "), content.get("ind2", " ")
    indicators = (_indicator(ind1) + _indicator(ind2))[:2]
    return DataField(tag, indicators, subfields)


def _indicator(value: Any) -> str:
    return value[:1] if isinstance(value, str) and value else " "


def _subfield(sub: Any, tag: str) -> tuple[str, str]:
    if not isinstance(sub, dict) or len(sub) != 1:
        raise RecordProblem(
            f"trường {tag}: mỗi trường con phải là đối tượng có đúng một mã",
            f"field {tag}: each subfield must be an object with exactly one code",
        )
    ((code, value),) = sub.items()
    if not isinstance(value, str):
        raise RecordProblem(
            f"trường {tag}, trường con {code}: giá trị không phải chuỗi",
            f"field {tag}, subfield {code}: value is not a string",
        )
    return code, value


def _decode_stray_bytes(fields: list[Field]) -> list[str]:
    """Decode values holding bytes that were not UTF-8 (kept as surrogate escapes)."""
    places: list[tuple[Field, int]] = []
    for field in fields:
        if isinstance(field, ControlField):
            if _SURROGATE.search(field.value):
                places.append((field, -1))
        else:
            places.extend(
                (field, i) for i, (_, v) in enumerate(field.subfields) if _SURROGATE.search(v)
            )
    if not places:
        return []
    chunks = [_value(field, i).encode("utf-8", errors="surrogateescape") for field, i in places]
    texts, conversions = decode_chunks("a", [field.tag for field, _ in places], chunks)
    for (field, index), text in zip(places, texts, strict=True):
        if isinstance(field, ControlField):
            field.value = text
        else:
            field.subfields[index] = (field.subfields[index][0], text)
    return list(dict.fromkeys(conversions))


def _value(field: Field, index: int) -> str:
    return field.value if isinstance(field, ControlField) else field.subfields[index][1]
