"""A national table as a spreadsheet (XLSX) or CSV: the ministry's layout — one row per unit,
the response of each row, then the figures, the total row last."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from thuvien.stats.models import DataElement
from thuvien.stats.tables import Table, TableRow


def _headers(table: Table) -> list[str]:
    elements = dict(
        DataElement.objects.filter(form=table.round.form, code__in=table.codes).values_list(
            "code", "label"
        )
    )
    units = dict(
        DataElement.objects.filter(form=table.round.form, code__in=table.codes).values_list(
            "code", "unit"
        )
    )
    figures = [
        f"{code} {elements.get(code, '')}" + (f" ({units[code]})" if units.get(code) else "")
        for code in table.codes
    ]
    return [
        _("Đơn vị"),
        _("Số báo cáo phải nộp"),
        _("Số báo cáo được tính"),
        _("Tỉ lệ phản hồi (%)"),
        *figures,
        _("Dân số"),
        *[_("%(code)s bình quân đầu người") % {"code": code} for code in table.codes],
    ]


def _cells(table: Table, row: TableRow) -> list:
    rate = row.response_rate
    return [
        row.label,
        row.expected,
        row.counted,
        round(rate * 100, 1) if rate is not None else None,
        *[_plain(row.values.get(code)) for code in table.codes],
        row.population,
        *[_ratio(row.per_capita(code)) for code in table.codes],
    ]


def _plain(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _ratio(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 4)


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_headers(table))
    for row in [*table.rows, table.total]:
        writer.writerow(["" if c is None else c for c in _cells(table, row)])
    return out.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 with a BOM correctly


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Bảng tổng hợp")[:31]
    sheet.append([table.round.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Chỉ tính báo cáo đã được Sở duyệt hoặc Bộ xác nhận.")])
    sheet.append([])
    sheet.append(_headers(table))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(_cells(table, row))
    sheet.append(_cells(table, table.total))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 34
    sheet.freeze_panes = "B5"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
