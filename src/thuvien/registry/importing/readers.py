"""Streaming readers for tables of libraries: CSV (any of the encodings met in practice),
XLSX, and JSON arrays of objects. Each yields (row number, {column: text})."""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from thuvien.kernel.text import normalize_text

FORMATS = ("csv", "xlsx", "json")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]{2,8});")
# Entities that HTML does not define but scraped pages used (Å written as "&Oring;").
_EXTRA_ENTITIES = {"Oring": "Å", "oring": "å"}


def _unescape(text: str) -> str:
    def one(match: re.Match) -> str:
        name = match.group(1)
        return _EXTRA_ENTITIES.get(name) or html.unescape(match.group(0))

    return _ENTITY.sub(one, text)


MAX_COLUMNS = 500
MAX_CELL_CHARS = 10_000


class TableError(ValueError):
    """A file that cannot be read as a table; the message is bilingual and says where."""


@dataclass
class Table:
    format: str
    encoding: str
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]] = field(repr=False)
    notes: list[str] = field(default_factory=list)


def detect_format(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        if not zipfile.is_zipfile(path):
            raise TableError("Tệp ZIP/XLSX hỏng / the ZIP/XLSX file is damaged")
        return "xlsx"
    stripped = head.lstrip(codecs.BOM_UTF8).lstrip()
    if stripped[:1] in (b"[", b"{"):
        return "json"
    if b"\x00" in head:
        raise TableError(
            "Tệp nhị phân không phải CSV, XLSX hay JSON / a binary file that is not "
            "CSV, XLSX or JSON"
        )
    return "csv"


def open_table(path: Path, file_format: str | None = None, encoding: str | None = None) -> Table:
    file_format = file_format or detect_format(path)
    if file_format == "csv":
        return _csv_table(path, encoding)
    if file_format == "xlsx":
        return _xlsx_table(path)
    if file_format == "json":
        return _json_table(path)
    raise TableError(f"Định dạng không hỗ trợ: {file_format} / unsupported format: {file_format}")


def _clean(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    if "&" in text and ";" in text:  # HTML entities left by web scrapes: "&Oring;sterbro"
        text = _unescape(text)
    if len(text) > MAX_CELL_CHARS:
        raise TableError(
            f"Ô dữ liệu dài quá {MAX_CELL_CHARS} ký tự / a cell is longer than "
            f"{MAX_CELL_CHARS} characters"
        )
    return normalize_text(text)


def _columns(header: list[object]) -> list[str]:
    if len(header) > MAX_COLUMNS:
        raise TableError(f"Quá nhiều cột ({len(header)}) / too many columns ({len(header)})")
    columns, seen = [], set()
    for position, cell in enumerate(header, start=1):
        name = _clean(cell) or f"column_{position}"
        while name in seen:
            name = f"{name}_{position}"
        seen.add(name)
        columns.append(name)
    if not any(columns):
        raise TableError("Dòng tiêu đề trống / the header row is empty")
    return columns


def count_table_rows(path: Path, file_format: str) -> int:
    """An estimate of the data rows, for progress: lines for CSV, cells for the others."""
    if file_format == "csv":
        lines, last = 0, b"\n"
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                lines, last = lines + chunk.count(b"\n"), chunk[-1:]
        lines += last != b"\n"  # a last line without its line break
        return max(0, lines - 1)
    return sum(1 for _ in open_table(path, file_format).rows)


# ---- CSV ---------------------------------------------------------------------------------


def sniff_encoding(sample: bytes) -> tuple[str, list[str]]:
    """Pick the encoding of a CSV sample: UTF-8 (with or without BOM), a legacy Vietnamese
    encoding when the bytes say so, otherwise Windows-1252."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", []
    try:
        sample.decode("utf-8")
        return "utf-8", []
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # a multibyte character cut by the sample's end
            return "utf-8", []
    from thuvien.kernel.text.legacy import detect_encoding

    detection = detect_encoding(sample)
    if detection.encoding and detection.encoding != "unicode":
        return detection.encoding, [
            f"Nhận dạng bảng mã {detection.encoding} ({detection.reason}) / "
            f"detected encoding {detection.encoding}"
        ]
    return "cp1252", ["Không phải UTF-8; đọc theo Windows-1252 / not UTF-8; read as Windows-1252"]


def _decode_lines(path: Path, encoding: str) -> Iterator[str]:
    from thuvien.kernel.text.legacy import to_unicode

    python_codec = _python_codec(encoding)
    with open(path, "rb") as handle:
        if python_codec:
            yield from io.TextIOWrapper(handle, encoding=python_codec, errors="replace", newline="")
        else:  # legacy Vietnamese encodings are converted line by line
            for raw in handle:
                yield to_unicode(raw, encoding)


def _python_codec(encoding: str) -> str | None:
    try:
        return (
            codecs.lookup(encoding).name
            if encoding.lower() not in {"tcvn3", "vni", "viscii"}
            else None
        )
    except LookupError:
        return None


def _csv_table(path: Path, encoding: str | None) -> Table:
    with open(path, "rb") as handle:
        sample = handle.read(256 * 1024)
    notes: list[str] = []
    if encoding is None:
        encoding, notes = sniff_encoding(sample)
    try:
        dialect = csv.Sniffer().sniff(sample[:16384].decode("latin-1"), delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(_decode_lines(path, encoding), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError("Tệp rỗng / the file is empty") from None
    except csv.Error as exc:
        raise TableError(f"Dòng 1: {exc} / line 1: {exc}") from exc
    columns = _columns(header)
    return Table("csv", encoding, columns, _csv_rows(reader, columns), notes)


def _csv_rows(reader, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            yield (
                number,
                {
                    "__error__": f"Dòng {number}: CSV hỏng ({exc}) / line {number}: "
                    f"broken CSV ({exc})"
                },
            )
            continue
        number = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        yield number, _row(columns, cells)


def _row(columns: list[str], cells: list[object]) -> dict[str, str]:
    row = {name: _clean(cells[i]) if i < len(cells) else "" for i, name in enumerate(columns)}
    if len(cells) > len(columns) and any(_clean(c) for c in cells[len(columns) :]):
        row["__extra__"] = " | ".join(_clean(c) for c in cells[len(columns) :])
    return row


# ---- XLSX --------------------------------------------------------------------------------


def _xlsx_table(path: Path) -> Table:
    from openpyxl import load_workbook

    _guard_zip(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise TableError(f"Không đọc được tệp XLSX: {exc} / cannot read the XLSX file") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = list(next(rows))
    except StopIteration:
        raise TableError("Trang tính đầu tiên trống / the first sheet is empty") from None
    columns = _columns(header)

    def generate() -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in enumerate(rows, start=2):
            if cells and any(c not in (None, "") for c in cells):
                yield number, _row(columns, list(cells))
        workbook.close()

    return Table("xlsx", "utf-8", columns, generate())


def _guard_zip(path: Path, max_ratio: int = 100, max_total: int = 500 * 1024 * 1024) -> None:
    """Refuse zip bombs before openpyxl inflates them."""
    with zipfile.ZipFile(path) as archive:
        total = sum(info.file_size for info in archive.infolist())
        packed = max(1, sum(info.compress_size for info in archive.infolist()))
    if total > max_total or total / packed > max_ratio:
        raise TableError(
            "Tệp nén bất thường (có thể là zip bomb) / suspicious compression (possible zip bomb)"
        )


# ---- JSON --------------------------------------------------------------------------------


def _json_table(path: Path) -> Table:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TableError(f"JSON hỏng: {exc} / invalid JSON: {exc}") from exc
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise TableError("JSON cần là một mảng các đối tượng / JSON must be an array of objects")
    columns = _columns(list(dict.fromkeys(k for item in data for k in item)))

    def generate() -> Iterator[tuple[int, dict[str, str]]]:
        for number, item in enumerate(data, start=1):
            yield number, {c: _clean(item.get(c)) for c in columns}

    return Table("json", "utf-8", columns, generate())
