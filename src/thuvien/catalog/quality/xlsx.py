"""The national overview of data quality as an XLSX workbook (one row per library)."""

from __future__ import annotations

import io
from collections.abc import Sequence

HEADER_VI = ["Mã", "Thư viện", "Biểu ghi", "Kết luận"]
HEADER_EN = ["ID", "Library", "Records", "Verdict"]
TAIL_VI = ["ISBN sai", "Lỗi cấu trúc MARC", "Đã sửa bảng mã", "Trùng trong thư viện", "Cách ly"]
TAIL_EN = ["Invalid ISBN", "MARC errors", "Encoding repaired", "Internal duplicates", "Quarantined"]


def _verdict(meets: bool, english: bool) -> str:
    if english:
        return "Meets the integration standard" if meets else "Not yet"
    return "Đạt chuẩn tích hợp" if meets else "Chưa đạt"


def overview_workbook(rows: Sequence[dict], columns: Sequence[str], english: bool) -> bytes:
    """``rows`` as the overview page builds them; shares are written as fractions with a
    percentage format, so a spreadsheet can still compute with them."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "chat-luong"
    head, tail = (HEADER_EN, TAIL_EN) if english else (HEADER_VI, TAIL_VI)
    sheet.append([*head, *(f"% {c}" for c in columns), *tail])
    for row in rows:
        library = row["library"]
        sheet.append(
            [
                library.vn_id,
                library.name,
                row["records"],
                _verdict(row["meets"], english),
                *row["shares"],
                row["invalid_isbn"],
                row["marc_errors"],
                row["repaired"],
                row["duplicates"],
                row["quarantined"],
            ]
        )
        for cell in sheet[sheet.max_row][len(head) : len(head) + len(columns)]:
            cell.number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
