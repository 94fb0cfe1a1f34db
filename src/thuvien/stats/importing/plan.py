"""Which column is the library, which columns are which data elements, which are ignored:
the mapping checked against the file's header and the form, every problem at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from thuvien.kernel.text import fold_for_search
from thuvien.stats.importing.errors import RESERVED_COLUMNS, bilingual
from thuvien.stats.importing.options import Mapping, SetupError

# Headers recognised as the library column when the mapping does not name one.
LIBRARY_HEADERS = ("vn_id", "ma thu vien", "ma dinh danh", "ma dinh danh thu vien", "library")


@dataclass(frozen=True)
class ColumnPlan:
    library_column: str
    scheme: str
    elements: dict[str, str]  # column -> element code
    ignored: tuple[str, ...]

    def column_of(self, code: str) -> str:
        return next((c for c, e in self.elements.items() if e == code), "")


def plan_columns(columns: list[str], mapping: Mapping, codes: Iterable[str]) -> ColumnPlan:
    codes = list(codes)
    problems: list[str] = []
    present = set(columns)
    library_column = _library_column(columns, mapping, problems)
    for column in sorted(set(mapping.columns) - present):
        problems.append(
            bilingual(
                f"Ánh xạ nêu cột «{column}» nhưng tệp không có",
                f"the mapping names column {column!r}, which the file does not have",
            )
        )
    elements = _element_columns(columns, mapping, codes, library_column, problems)
    ignored = [c for c in columns if c in mapping.ignore or c in RESERVED_COLUMNS]
    for column in columns:
        if column != library_column and column not in elements and column not in ignored:
            problems.append(
                bilingual(
                    f"Dòng 1 (tiêu đề), cột «{column}»: không phải chỉ tiêu của biểu mẫu; "
                    "ánh xạ cột này vào một mã chỉ tiêu hoặc ghi vào danh sách bỏ qua",
                    f"row 1 (header), column {column!r}: not a data element of the form; "
                    "map it to an element code or list it under 'ignore'",
                )
            )
    if not elements and not problems:
        problems.append(bilingual("Không có cột số liệu nào", "no column maps to a data element"))
    if problems:
        raise SetupError(problems)
    return ColumnPlan(library_column, mapping.scheme, elements, tuple(ignored))


def _library_column(columns: list[str], mapping: Mapping, problems: list[str]) -> str:
    if mapping.library_column:
        if mapping.library_column not in columns:
            problems.append(
                bilingual(
                    f"Không có cột mã thư viện «{mapping.library_column}»",
                    f"the library column {mapping.library_column!r} is not in the file",
                )
            )
        return mapping.library_column
    found = [c for c in columns if fold_for_search(c).replace("_", " ") in _FOLDED_HEADERS]
    if not found:
        problems.append(
            bilingual(
                "Cần cột mã thư viện (VN-…) hoặc ghi tên cột đó trong ánh xạ ('library')",
                "a library column (VN-…) is needed, or name it in the mapping ('library')",
            )
        )
        return ""
    return found[0]


_FOLDED_HEADERS = {h.replace("_", " ") for h in LIBRARY_HEADERS}


def _element_columns(columns, mapping, codes, library_column, problems) -> dict[str, str]:
    known = set(codes)
    by_fold = {}
    for code in codes:
        by_fold.setdefault(code.casefold(), []).append(code)
    elements: dict[str, str] = {}
    for column in columns:
        if column == library_column or column in mapping.ignore:
            continue
        if column in mapping.columns:
            code = mapping.columns[column]
            if code not in known:
                problems.append(
                    bilingual(
                        f"Cột «{column}» ánh xạ vào mã «{code}» không có trong biểu mẫu",
                        f"column {column!r} maps to {code!r}, which is not in the form",
                    )
                )
                continue
            elements[column] = code
        elif column in known:  # a header that is an element code maps itself
            elements[column] = column
        elif len(by_fold.get(column.strip().casefold(), [])) == 1:
            elements[column] = by_fold[column.strip().casefold()][0]
    _refuse_shared_codes(elements, problems)
    return elements


def _refuse_shared_codes(elements: dict[str, str], problems: list[str]) -> None:
    columns_of: dict[str, list[str]] = {}
    for column, code in elements.items():
        columns_of.setdefault(code, []).append(column)
    for code, columns in columns_of.items():
        if len(columns) > 1:
            names = ", ".join(columns)
            problems.append(
                bilingual(
                    f"Nhiều cột cùng vào chỉ tiêu {code}: {names}",
                    f"several columns map to {code}: {names}",
                )
            )
