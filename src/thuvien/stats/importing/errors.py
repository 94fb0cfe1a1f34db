"""Row errors and the error file: the rejected rows as they were read, with their errors in
front, written as the import goes (bounded memory), to be fixed and imported again — the
two leading columns are recognised and ignored by the next import."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

ROW_COLUMN = "Dòng gốc / source row"
ERRORS_COLUMN = "Lỗi / errors"
EXTRA_COLUMN = "Ô thừa / extra cells"  # cells past the last column, kept for the fix
EXTRA = "__extra__"  # the reader's key for cells past the last column
RESERVED_COLUMNS = frozenset({ROW_COLUMN, ERRORS_COLUMN, EXTRA_COLUMN})


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str  # "vi / en"

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"dòng / row {self.row}" + (
            f", cột / column «{self.column}»" if self.column else ""
        )
        return f"{where}: {self.message}"


def bilingual(vi: str, en: str) -> str:
    return f"{vi} / {en}"


class ErrorFile:
    """Writes rejected rows to ``path`` as CSV (UTF-8 with BOM, for spreadsheets)."""

    def __init__(self, path: Path, columns: list[str]):
        self.path = path
        self.columns = [c for c in columns if c not in RESERVED_COLUMNS]
        self.rows = 0
        self._handle: IO[str] | None = None
        self._writer = None

    def __enter__(self) -> ErrorFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def write(self, number: int, raw: dict[str, object], errors: list[RowError]) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # opened on the first rejected row and kept open until close()
            self._handle = open(self.path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
            self._writer = csv.writer(self._handle)
            self._writer.writerow([ROW_COLUMN, ERRORS_COLUMN, *self.columns, EXTRA_COLUMN])
        text = "; ".join(f"{e.column}: {e.message}" if e.column else e.message for e in errors)
        cells = [_shown(raw.get(c, "")) for c in self.columns]
        extra = _shown(raw.get(EXTRA, "") or raw.get(EXTRA_COLUMN, ""))
        self._writer.writerow([number, text, *cells, extra])
        self.rows += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _shown(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
