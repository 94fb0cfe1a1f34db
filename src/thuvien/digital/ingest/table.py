"""Read a manifest's cells from CSV or XLSX, as text in NFC with the spreadsheet's row numbers.

CSV: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text", with or without BOM), or a
Vietnamese legacy code page (Windows-1258, TCVN3, VNI, VISCII) when the bytes read clearly
as Vietnamese in it; otherwise refused with a message asking for UTF-8. The separator is
whichever of comma, semicolon or tab the header line uses most.

XLSX: the first sheet, through openpyxl in read-only mode, after checking the file as a ZIP
(sizes, ratio) and refusing XML that declares a DTD or entities (openpyxl's parser would
expand them).
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import openpyxl

from thuvien.digital.ingest.errors import IngestError
from thuvien.digital.ingest.limits import Limits
from thuvien.digital.ingest.zipsafe import check_archive
from thuvien.kernel.text import detect_encoding, nfc, to_unicode

__all__ = ["Table", "read_table"]

_MAX_BYTES = 512 * 1024 * 1024
_ENCODING_CONFIDENCE = 0.6
_DELIMITERS = (",", ";", "\t")
_XML_REFUSED = (b"<!DOCTYPE", b"<!ENTITY")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, header = 1; cells)
    encoding: str  # what the bytes were read as ("utf-8", "cp1258", "xlsx", ...)


def _refuse(where: str, vi: str, en: str, code: str) -> IngestError:
    return IngestError(vi, en, where, code=code)


def _utf16_without_bom(data: bytes) -> str | None:
    head = data[:400]
    if len(head) < 4 or head.count(0) < len(head) // 3:
        return None
    return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"


def decode_csv(data: bytes, where: str) -> tuple[str, str]:
    """``(text, encoding)``; ``IngestError`` if the encoding cannot be told with confidence."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = _utf16_without_bom(data) or "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise _refuse(
                where, f"Tệp {encoding} hỏng", f"Invalid {encoding} text", "bad-encoding"
            ) from None
    detection = detect_encoding(data)
    if detection.is_legacy and detection.confidence >= _ENCODING_CONFIDENCE:
        return to_unicode(data, detection.encoding), detection.encoding
    raise _refuse(
        where,
        "Không xác định được bảng mã của tệp CSV; hãy lưu lại dưới dạng CSV UTF-8",
        "Cannot tell the CSV file's encoding; save it again as CSV UTF-8",
        "unknown-encoding",
    )


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max(_DELIMITERS, key=lambda d: (first.count(d), d == ","))


def _clean(value: object) -> str:
    """A cell as text: numbers without ".0", dates as ISO 8601, NFC, outer spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return nfc(str(value)).strip()


def _table(raw_rows: list[list[object]], encoding: str, where: str) -> Table:
    rows = [(number, [_clean(v) for v in cells]) for number, cells in enumerate(raw_rows, 1)]
    if not rows or not any(rows[0][1]):
        raise _refuse(
            where, "Tệp mô tả không có dòng tiêu đề", "Manifest has no header row", "no-header"
        )
    header = rows[0][1]
    body = [(n, cells) for n, cells in rows[1:] if any(cells)]
    return Table(header, body, encoding)


def _read_csv(path: Path) -> Table:
    data = path.read_bytes()
    text, encoding = decode_csv(data, path.name)
    try:
        raw = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise _refuse(
            path.name, f"CSV sai cú pháp: {exc}", f"Malformed CSV: {exc}", "bad-csv"
        ) from exc
    return _table(raw, encoding, path.name)


def _check_xlsx(path: Path) -> None:
    # Sheets compress far better than images; a workbook is still small next to a batch.
    limits = Limits(max_files=10_000, max_total_bytes=_MAX_BYTES, max_ratio=1000)
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive.infolist(), limits, path.name)
            for info in archive.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    _check_xml(archive.read(info), f"{path.name}: {info.filename}")
    except zipfile.BadZipFile as exc:
        raise _refuse(path.name, "Tệp XLSX hỏng", "Corrupt XLSX file", "bad-xlsx") from exc


def _check_xml(data: bytes, where: str) -> None:
    text = data
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace").encode("utf-8")
    if any(marker in text for marker in _XML_REFUSED):
        raise _refuse(
            where,
            "XML trong tệp XLSX khai báo DTD hoặc thực thể: bị từ chối vì an toàn",
            "XML in the XLSX file declares a DTD or entities: refused for safety",
            "xml-entities",
        )


def _read_xlsx(path: Path) -> Table:
    _check_xlsx(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _refuse(
            path.name,
            f"Không đọc được tệp XLSX: {exc}",
            f"Cannot read the XLSX file: {exc}",
            "bad-xlsx",
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        raw = [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        workbook.close()
    return _table(raw, "xlsx", path.name)


def read_table(path: Path) -> Table:
    """The manifest's header and non-empty rows; ``IngestError`` if it cannot be read."""
    path = Path(path)
    if path.stat().st_size > _MAX_BYTES:
        raise _refuse(path.name, "Tệp mô tả quá lớn", "Manifest file too large", "too-large")
    if zipfile.is_zipfile(path):
        return _read_xlsx(path)
    with open(path, "rb") as stream:
        if stream.read(8) == _OLE_MAGIC:
            raise _refuse(
                path.name,
                "Tệp Excel cũ (.xls) không được hỗ trợ; hãy lưu thành .xlsx hoặc CSV UTF-8",
                "Old Excel files (.xls) are not supported; save as .xlsx or CSV UTF-8",
                "xls",
            )
    return _read_csv(path)
