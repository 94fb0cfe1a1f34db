"""ISO 2709 (MARC exchange format) reading: framing records in a byte stream and taking each
one apart into its leader and fields.

Plain bytes slicing, no per-byte Python loops on good records: the union catalogue ingests
files of hundreds of thousands of records. Memory stays bounded: the stream is read in
blocks and a record is never larger than ``MAX_RECORD_BYTES``.

Leniency (see docs/adr/0010-marc-reading.md): what can be repaired without guessing is
repaired and noted: a wrong record length when the terminator is found, a wrong base
address, a leader one byte short, a missing record terminator, and directory offsets that
disagree with the field terminators when there are as many fields as entries and every
entry's length fits its field (offsets past 99,999, lengths counted in characters), or
entries widened to 13-14 bytes by oversize fields. Anything else (an entry pointing outside
the record that the terminators do not explain, a directory that cannot be parsed, a
truncated record) makes the record an error. After a bad record, reading resumes at the
next record terminator, or at a well-formed leader inside a stretch without one.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from typing import BinaryIO

from thuvien.catalog.marc.items import RecordProblem

__all__ = [
    "FIELD_END",
    "MAX_RECORD_BYTES",
    "RECORD_END",
    "SUBFIELD",
    "Frame",
    "RawRecord",
    "frames",
    "split_record",
]

RECORD_END = 0x1D
FIELD_END = 0x1E
SUBFIELD = 0x1F
LEADER_LENGTH = 24
ENTRY_LENGTH = 12
READ_SIZE = 1 << 20
# ISO 2709 caps a record at 99,999 bytes, but real exports overflow it (HathiTrust,
# BNE: over 1 MB); beyond this, bytes without a terminator are not a record.
MAX_RECORD_BYTES = 8 << 20
# Between records some exporters put line ends, NUL padding or a DOS end-of-file mark.
_SEPARATORS = frozenset(b"\r\n\x00\x1a")
_BOM = b"\xef\xbb\xbf"
# A well-formed leader: length, 7 printable bytes, base address, 3 printable, "45" and 2
# digits. Used only to split a bad stretch where a truncated record runs into a good one.
_LEADER = re.compile(rb"\d{5}[\x20-\x7e]{7}\d{5}[\x20-\x7e]{3}45\d\d")

# Conversion notes (also listed in the ADR).
LENGTH_REPAIRED = "record-length-repaired"
TERMINATOR_MISSING = "record-terminator-missing"
BASE_REPAIRED = "base-address-repaired"
LEADER_REPAIRED = "leader-repaired"
DIRECTORY_REPAIRED = "directory-repaired"


@dataclass(slots=True)
class Frame:
    """The bytes of one record as found in the stream, and where they start."""

    offset: int
    data: bytes


@dataclass(slots=True)
class RawRecord:
    """A record taken apart: leader bytes, tags and field bytes (without terminators)."""

    leader: bytes
    tags: list[str]
    chunks: list[bytes]
    notes: list[str]


class _Buffer:
    """A sliding window over the stream: ``data[pos:]`` is what is left to frame."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.data = b""
        self.pos = 0
        self.origin = 0  # stream offset of data[0]
        self.eof = False

    def fill(self, end: int) -> bool:
        """Read until ``data`` holds ``end`` bytes; False if the stream ends first."""
        while len(self.data) < end and not self.eof:
            block = self.stream.read(max(READ_SIZE, end - len(self.data)))
            if not block:
                self.eof = True
                break
            self.data = self.data[self.pos :] + block
            self.origin += self.pos
            end -= self.pos
            self.pos = 0
        return len(self.data) >= end

    def find_end(self) -> int:
        """Index of the next record terminator from ``pos``, reading as needed; -1 if the
        stream ends, or ``MAX_RECORD_BYTES`` pass, without one."""
        searched = self.pos
        while True:
            found = self.data.find(b"\x1d", searched)
            if found >= 0:
                return found
            scanned = len(self.data) - self.pos
            if scanned >= MAX_RECORD_BYTES or self.eof:
                return -1
            self.fill(len(self.data) + 1)
            searched = self.pos + scanned

    def skip_separators(self) -> bool:
        """Step over bytes found between records; False at the end of the stream."""
        while True:
            if self.pos >= len(self.data) and not self.fill(self.pos + 1):
                return False
            if self.data[self.pos] not in _SEPARATORS:
                return True
            self.pos += 1


def frames(stream: BinaryIO) -> Iterator[Frame]:
    """Cut a stream into record frames, trusting the leader's length when the record
    terminator is where it says, else framing by the terminator itself."""
    buf = _Buffer(stream)
    if buf.fill(3) and buf.data.startswith(_BOM):
        buf.pos = 3
    while buf.skip_separators():
        yield _next_frame(buf)


def _next_frame(buf: _Buffer) -> Frame:
    buf.fill(buf.pos + 5)
    head = buf.data[buf.pos : buf.pos + 5]
    length = int(head) if len(head) == 5 and head.isdigit() else 0
    if length > LEADER_LENGTH and buf.fill(buf.pos + length):
        end = buf.pos + length
        if buf.data[end - 1] == RECORD_END:
            return _take(buf, end)
    # The length is wrong (split_record notes it): frame by the terminator instead.
    end = buf.find_end()
    if end < 0:  # truncated at the end of the stream, or no terminator for too long
        return _take(buf, min(len(buf.data), buf.pos + MAX_RECORD_BYTES))
    embedded = _embedded_record(buf.data, buf.pos, end + 1)
    # A record without its terminator (often truncated) may run into a good record.
    return _take(buf, embedded if embedded > 0 else end + 1)


def _take(buf: _Buffer, end: int) -> Frame:
    frame = Frame(buf.origin + buf.pos, buf.data[buf.pos : end])
    buf.pos = end
    return frame


def _embedded_record(data: bytes, start: int, end: int) -> int:
    """Start of a well-formed record inside ``data[start:end]`` whose leader's length ends
    exactly at ``end``, or -1."""
    for match in _LEADER.finditer(data, start + LEADER_LENGTH, end):
        if int(match.group()[:5]) == end - match.start():
            return match.start()
    return -1


def split_record(data: bytes) -> RawRecord:
    """Take a framed record apart; raise RecordProblem if it cannot be read safely."""
    notes: list[str] = []
    complete = data[-1:] == b"\x1d"
    if len(data) < LEADER_LENGTH + 2:
        raise RecordProblem(
            f"biểu ghi chỉ có {len(data)} byte, ngắn hơn nhãn biểu ghi (24 byte)",
            f"record has only {len(data)} bytes, shorter than a leader (24 bytes)",
        )
    _check_length(data, complete, notes)
    leader, directory, base = _directory(data, notes)
    body_end = len(data) - 1 if complete else len(data)
    if len(directory) % ENTRY_LENGTH:
        tags, chunks = _wide_entries(directory.decode("latin-1"), data[base:body_end])
        notes.append(DIRECTORY_REPAIRED)
        return RawRecord(leader, tags, chunks, notes)
    entries = _entries(directory)
    chunks = _fields(data, base, body_end, entries, complete, notes)
    return RawRecord(leader, entries[0], chunks, notes)


def _check_length(data: bytes, complete: bool, notes: list[str]) -> None:
    head = data[:5]
    declared = int(head) if head.isdigit() else -1
    if complete and declared != len(data):
        notes.append(LENGTH_REPAIRED)
    elif not complete:
        notes.append(TERMINATOR_MISSING)
        if declared > len(data) + 1:
            raise RecordProblem(
                f"biểu ghi bị cắt cụt: nhãn ghi {declared} byte, chỉ có {len(data)} byte",
                f"truncated record: the leader says {declared} bytes, only {len(data)} found",
            )


def _directory(data: bytes, notes: list[str]) -> tuple[bytes, bytes, int]:
    """Leader, directory text and base address, repairing a wrong base address or a
    leader one byte short when the directory terminator says so unambiguously."""
    end = data.find(b"\x1e", LEADER_LENGTH)
    if end < 0:
        raise RecordProblem(
            "không tìm thấy dấu kết thúc danh mục (0x1E)",
            "directory terminator (0x1E) not found",
        )
    leader = data[:LEADER_LENGTH]
    start = LEADER_LENGTH
    short_leader = (end - LEADER_LENGTH + 1) % ENTRY_LENGTH == 0 and data[23:end].isdigit()
    if (end - LEADER_LENGTH) % ENTRY_LENGTH and short_leader:
        # The leader lost a byte (usually its last, undefined "0"): the directory starts
        # at byte 23 and every entry is digits.
        leader, start = data[:23] + b"0", 23
        notes.append(LEADER_REPAIRED)
    declared_base = data[12:17]
    if not declared_base.isdigit() or int(declared_base) != end + 1:
        notes.append(BASE_REPAIRED)
    return leader, data[start:end], end + 1


def _wide_entries(directory: str, area: bytes) -> tuple[list[str], list[bytes]]:
    """Read a directory whose entries are not all 12 bytes: records over ISO 2709's
    limits write 5-digit field lengths or 6-digit starts. Accepted only if every entry
    matches, in order, the fields found between terminators."""
    pieces = area.split(b"\x1e")
    if pieces[-1] == b"":
        pieces.pop()
    tags: list[str] = []
    cursor = start = 0
    for piece in pieces:
        length = len(piece) + 1
        length_width = _number_width(directory, cursor + 3, length, (4, 5))
        start_width = _number_width(directory, cursor + 3 + length_width, start, (5, 6))
        if not (length_width and start_width):
            break
        tags.append(directory[cursor : cursor + 3])
        cursor += 3 + length_width + start_width
        start += length
    if cursor != len(directory) or len(tags) != len(pieces):
        raise RecordProblem(
            f"danh mục dài {len(directory)} byte, không chia hết cho 12 và không khớp với các "
            f"trường (byte {LEADER_LENGTH + len(directory)} của biểu ghi)",
            f"directory is {len(directory)} bytes long, not a multiple of 12, and does not "
            f"match the fields (byte {LEADER_LENGTH + len(directory)} of the record)",
        )
    return tags, pieces


def _number_width(text: str, at: int, value: int, widths: tuple[int, ...]) -> int:
    for width in widths:
        if text[at : at + width] == f"{value:0{width}d}":
            return width
    return 0


def _entries(directory: bytes) -> tuple[list[str], list[int], list[int]]:
    """Tags, starts and lengths of a directory of 12-byte entries; ``struct`` and ``map``
    keep the per-field work in C."""
    count = len(directory) // ENTRY_LENGTH
    if not count:
        raise RecordProblem("biểu ghi không có trường nào", "record has no fields")
    values = _entry_struct(count).unpack(directory)
    try:
        lengths = list(map(int, values[1::3]))
        starts = list(map(int, values[2::3]))
    except ValueError:
        _raise_bad_entry(directory.decode("latin-1"))
        raise
    tags = [tag.decode("latin-1") for tag in values[0::3]]
    return tags, starts, lengths


@lru_cache(maxsize=512)
def _entry_struct(count: int) -> struct.Struct:
    return struct.Struct("3s4s5s" * count)


def _raise_bad_entry(directory: str) -> None:
    for index in range(0, len(directory), ENTRY_LENGTH):
        entry = directory[index : index + ENTRY_LENGTH]
        if not (entry[3:].isascii() and entry[3:].isdigit()):
            number = index // ENTRY_LENGTH + 1
            raise RecordProblem(
                f"mục danh mục {number} (trường {entry[:3]!r}) có độ dài/vị trí không phải "
                f"số: {entry!r} (byte {LEADER_LENGTH + index} của biểu ghi)",
                f"directory entry {number} (field {entry[:3]!r}) has a non-numeric "
                f"length/start: {entry!r} (byte {LEADER_LENGTH + index} of the record)",
            )


def _fields(
    data: bytes,
    base: int,
    body_end: int,
    entries: tuple[list[str], list[int], list[int]],
    complete: bool,
    notes: list[str],
) -> list[bytes]:
    """Field bytes by the directory; if an entry misses its field terminator, by the
    terminators themselves when they are exactly as many as the entries."""
    tags, starts, lengths = entries
    area = data[base:body_end]
    if _in_order(area, starts, lengths):
        chunks = area.split(b"\x1e")
        if chunks.pop() == b"" and len(chunks) == len(tags):
            return chunks
    chunks = []
    for index, (start, length) in enumerate(zip(starts, lengths, strict=True)):
        last = start + length - 1  # the field terminator
        if length < 1 or last >= len(area) or area[last] != FIELD_END:
            return _fields_by_terminators(area, entries, index, complete, notes)
        chunks.append(area[start:last])
    return chunks


def _in_order(area: bytes, starts: list[int], lengths: list[int]) -> bool:
    """The usual layout: fields stored one after another in directory order, each ending
    in a field terminator, filling the data area exactly."""
    ends = list(accumulate(lengths))
    if ends[-1] != len(area) or starts != [0, *ends[:-1]]:
        return False
    terminators = itemgetter(*[end - 1 for end in ends])(area)
    if isinstance(terminators, int):
        return terminators == FIELD_END
    return terminators.count(FIELD_END) == len(terminators)


def _same_length(piece: bytes, declared: int) -> bool:
    """The directory's length fits the field: in bytes, or in characters (exports that
    count UTF-8 text in characters)."""
    return declared == len(piece) + 1 or declared == len(piece.decode("utf-8", "replace")) + 1


def _fields_by_terminators(
    area: bytes,
    entries: tuple[list[str], list[int], list[int]],
    bad: int,
    complete: bool,
    notes: list[str],
) -> list[bytes]:
    tags, starts, lengths = entries
    pieces = area.split(b"\x1e")
    if pieces[-1] == b"":
        pieces.pop()
    elif not complete:
        pieces = []  # a cut last field must not pass for a whole one
    if len(pieces) == len(tags) and all(map(_same_length, pieces, lengths)):
        notes.append(DIRECTORY_REPAIRED)
        return pieces
    start, length = starts[bad], lengths[bad]
    outside = length < 1 or start + length > len(area)
    vi_what = "trỏ ra ngoài biểu ghi" if outside else "không kết thúc ở dấu kết thúc trường"
    en_what = "points outside the record" if outside else "does not end at a field terminator"
    raise RecordProblem(
        f"mục danh mục {bad + 1} (trường {tags[bad]}) {vi_what}: vị trí {start}, dài {length}, "
        f"vùng dữ liệu {len(area)} byte (byte {LEADER_LENGTH + bad * ENTRY_LENGTH} "
        "của biểu ghi)",
        f"directory entry {bad + 1} (field {tags[bad]}) {en_what}: start {start}, length "
        f"{length}, data area {len(area)} bytes (byte {LEADER_LENGTH + bad * ENTRY_LENGTH} "
        "of the record)",
    )
