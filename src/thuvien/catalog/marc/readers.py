"""Reading MARC records from files: ISO 2709, MARCXML (also in OAI-PMH responses),
MARC-in-JSON and Dublin Core (crosswalked to MARC 21), one ReadItem per record, good or
bad, never an exception for bad input.

    for item in read_records(path):
        if item.record is None:
            quarantine(item.position, item.raw, item.error)
        else:
            store(item.record, item.raw, item.conversions)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from thuvien.catalog.marc.build import fields_from_texts, finish_record, normalise_texts
from thuvien.catalog.marc.encodings import decode_chunks
from thuvien.catalog.marc.formats import sniff_format
from thuvien.catalog.marc.iso2709 import Frame, frames, split_record
from thuvien.catalog.marc.items import ReadItem, RecordProblem, failed, unexpected
from thuvien.catalog.marc.marcjson import read_marc_json
from thuvien.catalog.marc.marcxml import read_marcxml
from thuvien.catalog.marc.oaidc import read_dublin_core

__all__ = [
    "ReadItem",
    "read_dublin_core",
    "read_frame",
    "read_iso2709",
    "read_marc_json",
    "read_marcxml",
    "read_records",
    "sniff_format",
]

SNIFF_BYTES = 4096


def read_iso2709(stream: BinaryIO) -> Iterator[ReadItem]:
    """Yield one item per record of an ISO 2709 stream, streaming in bounded memory."""
    for position, frame in enumerate(frames(stream), 1):
        yield read_frame(position, frame)


def read_frame(position: int, frame: Frame) -> ReadItem:
    """One framed ISO 2709 record read into an item (pure: worker processes call it too)."""
    try:
        raw = split_record(frame.data)
        leader = raw.leader.decode("latin-1")
        texts, conversions = decode_chunks(leader[9], raw.tags, raw.chunks)
        conversions[:0] = raw.notes
        texts, text = normalise_texts(texts, conversions)
        fields = fields_from_texts(raw.tags, texts, text, conversions)
        fixed = texts[raw.tags.index("008")] if "008" in raw.tags else ""
        record = finish_record(leader, fields, conversions, text, fixed[35:38])
    except RecordProblem as problem:
        return failed(position, frame.offset, frame.data, problem.vi, problem.en)
    except Exception as error:  # one unforeseen record must not stop a batch
        return unexpected(position, frame.offset, frame.data, error)
    return ReadItem(position, frame.offset, frame.data, record, None, tuple(conversions))


READERS = {
    "iso2709": read_iso2709,
    "marcxml": read_marcxml,
    "marcjson": read_marc_json,
    "oai_dc": read_dublin_core,
}


def read_records(
    path_or_stream: str | Path | BinaryIO, file_format: str | None = None
) -> Iterator[ReadItem]:
    """Read any supported file, choosing the reader by ``file_format`` or by sniffing."""
    with ExitStack() as stack:
        if isinstance(path_or_stream, (str, Path)):
            stream: BinaryIO = stack.enter_context(open(path_or_stream, "rb"))
        else:
            stream = path_or_stream
        if file_format is None:
            file_format, stream = _sniff(stream)
        reader = READERS.get(file_format)
        if reader is None:
            yield _unsupported(file_format)
            return
        yield from reader(stream)


def _sniff(stream: BinaryIO) -> tuple[str, BinaryIO]:
    head = stream.read(SNIFF_BYTES)
    if stream.seekable():
        stream.seek(-len(head), 1)
        return sniff_format(head), stream
    # A pipe cannot go back: go on with a stream that starts with what was read.
    return sniff_format(head), _Prepended(head, stream)  # type: ignore[return-value]


class _Prepended:
    """A stream that yields ``head`` and then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.read(size)
        if size < 0:
            data, self._head = self._head + self._stream.read(), b""
            return data
        data, self._head = self._head[:size], self._head[size:]
        return data


def _unsupported(file_format: str) -> ReadItem:
    return failed(
        1,
        0,
        b"",
        f"định dạng {file_format!r} không đọc được bằng bộ đọc biểu ghi (cần ISO 2709, "
        "MARCXML, MARC-in-JSON hoặc Dublin Core; bảng CSV/XLSX cần ánh xạ cột)",
        f"format {file_format!r} is not read by the record readers (ISO 2709, MARCXML, "
        "MARC-in-JSON or Dublin Core expected; CSV/XLSX tables need a column mapping)",
    )
