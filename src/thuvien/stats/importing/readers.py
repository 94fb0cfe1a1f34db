"""Rows of a figures file, streamed: CSV through the registry's reader (encodings,
delimiters, byte-order marks), XLSX read here so that a number typed into a cell stays
that number (the text "1.234" would be read as one thousand two hundred thirty-four).

Each row is (row number in the file, {column: cell}); a cell is text, or a Decimal for a
numeric spreadsheet cell.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from thuvien.kernel.text import normalize_text
from thuvien.registry.importing.readers import (
    TableError,
    detect_format,
    open_table,
    sniff_encoding,
)
from thuvien.stats.importing.errors import EXTRA

Cell = str | Decimal
Row = tuple[int, dict[str, Cell]]
MAX_COLUMNS = 500
MAX_CELL_CHARS = 10_000
MAX_UNPACKED = 500 * 1024 * 1024
MAX_RATIO = 100
BROKEN = "__error__"  # a line the CSV reader could not read
LEGACY_ENCODINGS = {"tcvn3", "vni", "viscii"}


@dataclass
class FigureTable:
    format: str
    encoding: str
    columns: list[str]
    rows: Iterator[Row] = field(repr=False)
    expected_rows: int = 0  # for the progress bar
    notes: list[str] = field(default_factory=list)


def open_figures(path: Path) -> FigureTable:
    """The table in ``path``; TableError (bilingual) when it cannot be read at all."""
    file_format = detect_format(path)
    if file_format == "xlsx":
        return _xlsx(path)
    if file_format != "csv":
        raise TableError(
            f"Cần tệp CSV hoặc XLSX, không phải {file_format.upper()} / "
            f"a CSV or XLSX file is needed, not {file_format.upper()}"
        )
    return _csv(path)


def _csv(path: Path) -> FigureTable:
    """Cells are left as read (the row reader normalises the ones it uses: most of a wide
    file is columns an import ignores); legacy Vietnamese encodings go through the
    registry's reader, which converts them line by line."""
    with open(path, "rb") as handle:
        sample = handle.read(256 * 1024)
    encoding, notes = sniff_encoding(sample)
    if not _python_codec(encoding):
        table = open_table(path, "csv", encoding)
        return FigureTable("csv", encoding, table.columns, table.rows, _lines(path), notes)
    handle = open(path, encoding=encoding, errors="replace", newline="")  # noqa: SIM115
    reader = csv.reader(handle, delimiter=_delimiter(sample))
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise TableError("Tệp rỗng / the file is empty") from None
    except csv.Error as exc:
        handle.close()
        raise TableError(f"Dòng 1: {exc} / line 1: {exc}") from exc
    columns = _columns(header)
    rows = _csv_rows(reader, handle, columns)
    return FigureTable("csv", encoding, columns, rows, _lines(path), notes)


def _python_codec(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return encoding.lower() not in LEGACY_ENCODINGS


def _delimiter(sample: bytes) -> str:
    try:
        return csv.Sniffer().sniff(sample[:16384].decode("latin-1"), delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _csv_rows(reader, handle, columns: list[str]) -> Iterator[Row]:
    number = 1
    with handle:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield number, {BROKEN: f"CSV hỏng ({exc}) / broken CSV ({exc})"}
                continue
            number = reader.line_num
            if any(c.strip() for c in cells):
                yield number, _raw_row(columns, cells)


def _lines(path: Path) -> int:
    with open(path, "rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return max(0, lines - 1)


def _xlsx(path: Path) -> FigureTable:
    from openpyxl import load_workbook

    _refuse_zip_bomb(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for damaged files
        raise TableError(f"Không đọc được tệp XLSX: {exc} / cannot read the XLSX file") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = list(next(rows))
    except StopIteration:
        workbook.close()
        raise TableError("Trang tính đầu tiên trống / the first sheet is empty") from None
    while header and header[-1] in (None, ""):  # rows wider than the header pad it
        header.pop()
    columns = _columns(header)

    def generate() -> Iterator[Row]:
        try:
            for number, cells in enumerate(rows, start=2):
                if cells and any(c not in (None, "") for c in cells):
                    yield number, _row(columns, list(cells))
        finally:
            workbook.close()

    expected = max(0, (sheet.max_row or 1) - 1)
    return FigureTable("xlsx", "utf-8", columns, generate(), expected)


def _refuse_zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        packed = max(1, sum(info.compress_size for info in archive.infolist()))
    if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise TableError(
            "Tệp nén bất thường (có thể là zip bomb) / suspicious compression (possible zip bomb)"
        )


def _columns(header: list[object]) -> list[str]:
    if len(header) > MAX_COLUMNS:
        raise TableError(f"Quá nhiều cột ({len(header)}) / too many columns ({len(header)})")
    columns: list[str] = []
    for position, cell in enumerate(header, start=1):
        name = _text(cell) or f"column_{position}"
        while name in columns:
            name = f"{name}_{position}"
        columns.append(name)
    return columns


def _raw_row(columns: list[str], cells: list[str]) -> dict[str, Cell]:
    """A CSV row with its cells as read."""
    row: dict[str, Cell] = dict(zip(columns, cells, strict=False))
    row.update((name, "") for name in columns[len(cells) :])
    extra = [c.strip() for c in cells[len(columns) :]]
    if any(extra):
        row[EXTRA] = " | ".join(extra)
    return row


def _row(columns: list[str], cells: list[object]) -> dict[str, Cell]:
    """A spreadsheet row: text cells normalised, numbers as Decimal."""
    row = {name: _cell(cells[i]) if i < len(cells) else "" for i, name in enumerate(columns)}
    extra = [_text(c) for c in cells[len(columns) :]]
    if any(extra):
        row[EXTRA] = " | ".join(extra)
    return row


def _cell(value: object) -> Cell:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest decimal that is this float
    return _text(value)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    if len(text) > MAX_CELL_CHARS:
        raise TableError(
            f"Ô dữ liệu dài quá {MAX_CELL_CHARS} ký tự / a cell is longer than "
            f"{MAX_CELL_CHARS} characters"
        )
    return normalize_text(text)
