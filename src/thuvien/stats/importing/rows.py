"""One row of a figures file: the library it names, each cell read as a figure or a status,
and the checks of the report it would become (validation.validate, the same as on submit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from thuvien.kernel.text import normalize_text
from thuvien.stats.definitions import NUMERIC, ElementSpec
from thuvien.stats.importing.errors import EXTRA, EXTRA_COLUMN, RowError, bilingual
from thuvien.stats.importing.options import VN_ID, Mapping
from thuvien.stats.importing.plan import ColumnPlan
from thuvien.stats.importing.readers import BROKEN, Cell
from thuvien.stats.validation import Entered, parse_number, validate

MAX_CHARS = 10_000
PLACES = Decimal("0.0001")  # the precision figures are stored with
LARGEST = Decimal(10) ** 16
YES = {"1", "co", "có", "c", "yes", "y", "x", "true"}
NO = {"0", "khong", "không", "k", "no", "n", "false"}


class CellError(ValueError):
    def __init__(self, vi: str, en: str):
        super().__init__(bilingual(vi, en))


@dataclass
class ParsedRow:
    number: int
    raw: dict[str, Cell]
    scheme: str = VN_ID
    key: str = ""
    entries: dict[str, Entered] = field(default_factory=dict)  # blank cells are absent
    errors: list[RowError] = field(default_factory=list)

    broken: bool = False  # a line that could not be read as a row at all
    rounded: int = 0  # figures rounded to the stored 4 decimal places

    def error(self, column: str, vi: str, en: str) -> None:
        self.errors.append(RowError(self.number, column, bilingual(vi, en)))


def read_row(
    number: int,
    raw: dict[str, Cell],
    plan: ColumnPlan,
    elements: dict[str, ElementSpec],
    mapping: Mapping,
) -> ParsedRow:
    row = ParsedRow(number, raw, plan.scheme)
    if BROKEN in raw:
        row.broken = True
        row.errors.append(RowError(number, "", str(raw[BROKEN])))
        return row
    if raw.get(EXTRA) or raw.get(EXTRA_COLUMN):
        row.error("", "Có ô nằm ngoài cột cuối cùng", "cells to the right of the last named column")
    _read_library(row, raw.get(plan.library_column, ""), plan)
    for column, code in plan.elements.items():
        try:
            entered = read_cell(raw.get(column, ""), elements[code], mapping)
        except CellError as exc:
            row.errors.append(RowError(number, column, str(exc)))
            continue
        if not entered.blank:
            row.entries[code] = entered
            row.rounded += _rounded(raw.get(column, ""), entered, mapping)
    return row


def _rounded(cell: Cell, entered: Entered, mapping: Mapping) -> bool:
    """Whether a typed figure lost decimals (only a mapping that rounds lets one through)."""
    if not mapping.round_decimals or entered.number is None or not isinstance(cell, str):
        return False
    plain = cell.strip()
    return not plain.isdigit() and _parse(plain, mapping.number_format) != entered.number


def _read_library(row: ParsedRow, cell: Cell, plan: ColumnPlan) -> None:
    key = format(cell, "f") if isinstance(cell, Decimal) else normalize_text(cell[:MAX_CHARS])
    if not key:
        row.error(plan.library_column, "Thiếu mã thư viện", "the library id is missing")
        return
    scheme, sep, value = key.partition(":")
    if plan.scheme == VN_ID and sep and not key.upper().startswith("VN"):
        row.scheme, key = scheme.strip(), value.strip()  # "imls_fscs:AK0001" in the cell
    row.key = key


def read_cell(cell: Cell, element: ElementSpec, mapping: Mapping) -> Entered:
    """A cell as entered: blank, a status from a missing-value code, or a figure."""
    if isinstance(cell, str):
        if not cell.strip():
            return Entered()
        if len(cell) > MAX_CHARS:
            raise CellError(
                f"Ô dài quá {MAX_CHARS} ký tự", f"the cell is longer than {MAX_CHARS} characters"
            )
        status = mapping.missing.status_of_text(cell)
    elif not cell.is_finite():  # a spreadsheet's NaN or infinity
        raise CellError(f"Không phải số: «{cell}»", f"not a number: '{cell}'")
    else:
        status = mapping.missing.status_of_number(cell)
    if status:
        return Entered(status=status)
    if element.value_type in NUMERIC:
        return _number(cell, mapping)
    if element.value_type == "boolean":
        return _yes_no(cell, mapping)
    if element.value_type == "file":
        raise CellError(
            "Tệp đính kèm không nhập được từ bảng", "attachments cannot be imported from a table"
        )
    text = format(cell, "f") if isinstance(cell, Decimal) else normalize_text(cell)
    return Entered(text=text)


def _number(cell: Cell, mapping: Mapping) -> Entered:
    if isinstance(cell, str):
        plain = cell.strip()
        if plain.isdigit() and plain.isascii() and len(plain) < 16:  # most cells
            return Entered(Decimal(plain))
        number = _parse(plain, mapping.number_format)
    else:
        number = cell
    status = mapping.missing.status_of_number(number)
    if status:
        return Entered(status=status)
    if abs(number) >= LARGEST:
        raise CellError(f"Số quá lớn: {cell}", f"number too large: {cell}")
    if number.as_tuple().exponent < -4 and number != number.quantize(PLACES):
        # a spreadsheet number carries binary noise past the 4 places; a text one is
        # rounded only when the mapping says so (and counted)
        if not isinstance(cell, str) or mapping.round_decimals:
            return Entered(number.quantize(PLACES))
        raise CellError(f"Tối đa 4 chữ số thập phân: {cell}", f"at most 4 decimal places: {cell}")
    return Entered(number)


def _parse(text: str, number_format: str) -> Decimal:
    typed = text
    if number_format == "en":  # "1,234.5": commas group thousands, the point is decimal
        typed = typed.replace(",", "").replace(".", ",")
    try:
        return parse_number(typed)
    except ValueError:
        raise CellError(f"Không phải số: «{text}»", f"not a number: {text!r}") from None


def _yes_no(cell: Cell, mapping: Mapping) -> Entered:
    text = format(cell, "f") if isinstance(cell, Decimal) else cell.strip().lower()
    if text in YES:
        return Entered(Decimal(1))
    if text in NO:
        return Entered(Decimal(0))
    raise CellError(
        f"Cần Có/Không (1/0), không phải «{cell}»", f"yes or no (1/0) expected, not {cell!r}"
    )


def check_row(
    row: ParsedRow,
    elements: tuple[ElementSpec, ...],
    library_type: str,
    plan: ColumnPlan,
    kept: dict[str, Entered] | None = None,
) -> list[RowError]:
    """The errors of the report the row would make (with ``kept``: figures of the report
    that the file does not touch), named by the column they come from."""
    values = {**(kept or {}), **row.entries}
    errors = []
    for element in elements:
        if element.code in row.entries and not element.applies(library_type):
            errors.append(
                RowError(
                    row.number,
                    plan.column_of(element.code),
                    bilingual(
                        f"Chỉ tiêu {element.code} không áp dụng cho loại thư viện {library_type}",
                        f"element {element.code} does not apply to {library_type} libraries",
                    ),
                )
            )
    for problem in validate(elements, values, library_type, for_submission=True):
        if problem.level == "error":
            column = plan.column_of(problem.code) or problem.code
            errors.append(RowError(row.number, column, problem.message))
    return errors
