"""What every MARC reader yields: one item per record, read or not, with its raw bytes."""

from __future__ import annotations

from dataclasses import dataclass

from thuvien.catalog.marc.record import Record

__all__ = ["ReadItem", "RecordProblem", "failed", "problem", "unexpected"]


@dataclass(frozen=True, slots=True)
class ReadItem:
    """One record of an input file.

    ``record`` is the normalised record (Unicode NFC, leader/09 'a') or None when the
    record cannot be read; then ``error`` says why, in Vietnamese and English, naming the
    record number, the field and the byte offset. ``raw`` always holds the bytes as
    received, so nothing is lost and every conversion can be redone. ``conversions``
    lists what was changed to read it (encodings, repaired lengths...).
    """

    position: int
    offset: int
    raw: bytes
    record: Record | None
    error: str | None = None
    conversions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.record is not None


class RecordProblem(ValueError):
    """A record cannot be read; ``vi`` and ``en`` say what, without the record's place."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en


def problem(position: int, offset: int, vi: str, en: str) -> str:
    """A bilingual reason that starts with where the record is."""
    where_vi = f"Biểu ghi {position}" + (f" (byte {offset})" if offset >= 0 else "")
    where_en = f"Record {position}" + (f" (byte {offset})" if offset >= 0 else "")
    return f"{where_vi}: {vi} / {where_en}: {en}"


def failed(position: int, offset: int, raw: bytes, vi: str, en: str) -> ReadItem:
    return ReadItem(position, offset, raw, None, problem(position, offset, vi, en))


def unexpected(position: int, offset: int, raw: bytes, error: Exception) -> ReadItem:
    """An item for an error nobody foresaw: one odd record must not stop a batch."""
    return failed(
        position,
        offset,
        raw,
        f"lỗi không lường trước khi đọc: {error!r}",
        f"unexpected error while reading: {error!r}",
    )
