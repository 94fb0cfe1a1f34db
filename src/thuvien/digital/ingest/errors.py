"""Errors and problems of an ingest, bilingual (Vietnamese first) and saying where.

``IngestError`` stops the work it is raised from (a batch that cannot be opened, an image
that cannot be decoded). ``ItemProblem`` and ``RowProblem`` are collected instead, so one bad
file or row is reported while the rest of the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ERROR", "WARNING", "IngestError", "ItemProblem", "RowProblem", "ingest_error"]

ERROR = "error"
WARNING = "warning"


class IngestError(Exception):
    """A refusal a user can read: ``vi`` and ``en`` say what, ``where`` says where."""

    def __init__(self, vi: str, en: str, where: str | None = None, *, code: str = ""):
        self.vi = vi
        self.en = en
        self.where = where
        self.code = code
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.vi} / {self.en}"
        return f"{text} ({self.where})" if self.where else text


def ingest_error(vi: str, en: str, where: str | None = None, *, code: str = "") -> IngestError:
    """An ``IngestError`` (for ``raise ingest_error(...)`` in one line)."""
    return IngestError(vi, en, where, code=code)


@dataclass(frozen=True, slots=True)
class ItemProblem:
    """Something wrong with one file or entry of a batch source.

    ``where`` is the name the user knows (the ZIP entry, the bag's ``data/...`` path);
    ``relpath`` is the ``SourceFile.relpath`` concerned when there is one, so the caller can
    hold back the object holding that file. ``code`` is stable, for programs and tests.
    """

    where: str
    vi: str
    en: str
    code: str = ""
    relpath: str | None = None
    level: str = ERROR

    @property
    def warning(self) -> bool:
        return self.level == WARNING

    def __str__(self) -> str:
        return f"{self.vi} / {self.en} ({self.where})"


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Something wrong with one manifest row (``row`` as a spreadsheet shows it, header = 1;
    0 when there is no row: the file as a whole, or a batch read from its folder layout).
    ``key`` is the object concerned and ``file`` the batch file, when known."""

    row: int
    column: str | None
    vi: str
    en: str
    level: str = ERROR
    code: str = ""
    key: str | None = None
    file: str | None = None

    @property
    def warning(self) -> bool:
        return self.level == WARNING

    def _where(self, row: str, column: str, file: str) -> str:
        parts = [f"{row} {self.row}"] if self.row else []
        if self.column:
            parts.append(f"{column} {self.column}")
        if self.file:
            parts.append(f"{file} {self.file}")
        return f" ({', '.join(parts)})" if parts else ""

    def __str__(self) -> str:
        return (
            f"{self.vi}{self._where('dòng', 'cột', 'tệp')}"
            f" / {self.en}{self._where('row', 'column', 'file')}"
        )
