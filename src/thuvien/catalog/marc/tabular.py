"""A row of a small library's CSV or XLSX export -> a MARC 21 record and its copies.

Small libraries keep their catalogue in a spreadsheet with their own column names
("Nhan đề", "Tác giả", "Năm XB", "Số ĐKCB"). A mapping names the target of each
column; several columns may share a target ("Tác giả 1", "Tác giả 2" -> author).
Lists inside one cell are separated by ";" or "|" (a comma belongs to names such as
"Nguyễn, Văn A").

A row is refused only when the record would be wrong: no title, a year or a copy count
that is not a number. Every problem of the row is reported at once, naming the row and
the column, Vietnamese first. An ISBN that fails its check digit is kept (020 $z) with a
warning: it is what is printed on the book.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from thuvien.catalog.marc.display import minimal_008, parse_year
from thuvien.catalog.marc.dublin_core import name_field
from thuvien.catalog.marc.isbn import (
    compact_isbn,
    is_valid_isbn,
    is_valid_issn,
    isbn_qualifier,
    normalize_issn,
)
from thuvien.catalog.marc.record import ControlField, DataField, Record
from thuvien.kernel.text import fold_for_search, normalize_text

__all__ = [
    "TARGETS",
    "ItemValues",
    "MappingError",
    "RowError",
    "RowProblem",
    "TabularRecord",
    "check_mapping",
    "row_to_record",
]

# target -> (Vietnamese, English) description, shown when a mapping is made.
TARGETS: dict[str, tuple[str, str]] = {
    "local_id": ("Mã biểu ghi", "Record identifier"),
    "title": ("Nhan đề", "Title"),
    "subtitle": ("Thông tin bổ sung nhan đề", "Subtitle"),
    "author": ("Tác giả", "Author"),
    "edition": ("Lần xuất bản", "Edition"),
    "place": ("Nơi xuất bản", "Place of publication"),
    "publisher": ("Nhà xuất bản", "Publisher"),
    "year": ("Năm xuất bản", "Year"),
    "pages": ("Số trang", "Pages or extent"),
    "dimensions": ("Khổ", "Size"),
    "series": ("Tùng thư", "Series"),
    "isbn": ("ISBN", "ISBN"),
    "issn": ("ISSN", "ISSN"),
    "language": ("Ngôn ngữ", "Language"),
    "subject": ("Chủ đề", "Subject"),
    "ddc": ("Phân loại DDC", "DDC class"),
    "udc": ("Phân loại UDC", "UDC class"),
    "summary": ("Tóm tắt", "Summary"),
    "note": ("Phụ chú", "Note"),
    "call_number": ("Ký hiệu xếp giá", "Call number"),
    "location": ("Kho", "Location"),
    "barcode": ("Số đăng ký cá biệt", "Barcode"),
    "copies": ("Số bản", "Copies"),
}
_LISTS = re.compile(r"\s*[;|]\s*")
_ISBN_LISTS = re.compile(r"\s*[;|,]\s*")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_COPIES = 9999  # one row is one title; more copies than this is a typing slip
_MAX_BYTES = 9000  # a MARC field holds 9,999 bytes; keep room for indicators and codes


def _build_languages() -> dict[str, str]:
    table = {
        "vie": "vi vie tiếng_việt việt vietnamese",
        "eng": "en eng tiếng_anh anh english",
        "fre": "fr fre fra tiếng_pháp pháp french",
        "chi": "zh chi zho tiếng_trung trung tiếng_hán hán chinese",
        "rus": "ru rus tiếng_nga nga russian",
        "jpn": "ja jpn tiếng_nhật nhật japanese",
        "kor": "ko kor tiếng_hàn hàn korean",
        "ger": "de ger deu tiếng_đức đức german",
        "lao": "lo lao tiếng_lào lào",
        "khm": "km khm tiếng_khmer khmer",
    }
    return {
        fold_for_search(name.replace("_", " ")): code
        for code, names in table.items()
        for name in names.split()
    }


_LANGUAGES = _build_languages()


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem in one cell (or with the whole row when ``column`` is None)."""

    column: str | None
    vi: str
    en: str

    def message(self, row: int | None = None) -> str:
        where_vi = f"Dòng {row}" if row else "Dòng"
        where_en = f"Row {row}" if row else "Row"
        if self.column:
            where_vi += f", cột “{self.column}”"
            where_en += f", column “{self.column}”"
        return f"{where_vi}: {self.vi} / {where_en}: {self.en}"


class MappingError(ValueError):
    """A column mapping that cannot work (unknown target, no title column...)."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


class RowError(ValueError):
    """A row that cannot become a record; ``problems`` lists every reason."""

    def __init__(self, problems: list[RowProblem], row: int | None = None):
        self.problems = problems
        self.row = row
        super().__init__("\n".join(p.message(row) for p in problems))


@dataclass(frozen=True, slots=True)
class ItemValues:
    """One copy as the spreadsheet describes it."""

    barcode: str | None
    call_number: str | None
    location: str | None


@dataclass(slots=True)
class TabularRecord:
    record: Record
    items: list[ItemValues] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)


def check_mapping(mapping: Mapping[str, str], columns: Iterable[str] | None = None) -> None:
    """Refuse a mapping with an unknown target, no title, or a column not in the file."""
    unknown = sorted({t for t in mapping.values() if t not in TARGETS})
    if unknown:
        raise MappingError(
            f"Trường đích không tồn tại: {', '.join(unknown)}; có thể dùng: {', '.join(TARGETS)}",
            f"Unknown target fields: {', '.join(unknown)}; available: {', '.join(TARGETS)}",
        )
    if "title" not in mapping.values():
        raise MappingError(
            "Chưa chọn cột nào cho nhan đề (title)", "No column is mapped to the title"
        )
    if columns is not None:
        missing = sorted(set(mapping) - set(columns))
        if missing:
            raise MappingError(
                f"Tệp không có cột: {', '.join(missing)}",
                f"The file has no column named: {', '.join(missing)}",
            )


class _Row:
    """The cells of one row grouped by target, with the problems found so far."""

    def __init__(self, row: Mapping[str, object], mapping: Mapping[str, str]):
        self.cells: dict[str, list[tuple[str, str]]] = {}
        self.problems: list[RowProblem] = []
        self.warnings: list[RowProblem] = []
        for column, target in mapping.items():
            text = _cell_text(row.get(column))
            if not text:
                continue
            if len(text.encode("utf-8")) > _MAX_BYTES:
                self.problems.append(
                    RowProblem(
                        column,
                        f"giá trị quá dài ({len(text)} ký tự)",
                        f"value too long ({len(text)} characters)",
                    )
                )
                continue
            self.cells.setdefault(target, []).append((column, text))

    def first(self, target: str) -> str | None:
        values = self.cells.get(target)
        return values[0][1] if values else None

    def column(self, target: str) -> str | None:
        values = self.cells.get(target)
        return values[0][0] if values else None

    def many(self, target: str, separator: re.Pattern[str] = _LISTS) -> list[tuple[str, str]]:
        return [
            (column, part)
            for column, text in self.cells.get(target, [])
            for part in separator.split(text)
            if part
        ]


def _cell_text(value: object) -> str:
    """A cell as NFC text: numbers from XLSX (2015.0, an int) read as written."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(_CONTROL.sub(" ", str(value)))


def _year(cells: _Row) -> int | None:
    text = cells.first("year")
    if not text:
        return None
    year = parse_year(text)
    if year is None or year > date.today().year + 1:
        cells.problems.append(
            RowProblem(
                cells.column("year"),
                f"“{text}” không phải năm xuất bản",
                f"“{text}” is not a year of publication",
            )
        )
    return year


def _copies(cells: _Row) -> int:
    text = cells.first("copies")
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= _MAX_COPIES:
        cells.problems.append(
            RowProblem(
                cells.column("copies"),
                f"số bản “{text}” phải là số nguyên từ 1 đến {_MAX_COPIES}",
                f"copies “{text}” must be a whole number from 1 to {_MAX_COPIES}",
            )
        )
        return 0
    return int(text)


def _identifiers(cells: _Row) -> list[DataField]:
    fields = []
    for column, text in cells.many("isbn", _ISBN_LISTS):
        isbn = compact_isbn(text)
        qualifier = [("q", q) for q in [isbn_qualifier(text)] if q]
        if isbn and is_valid_isbn(text):
            fields.append(DataField("020", "  ", [("a", isbn), *qualifier]))
            continue
        cells.warnings.append(
            RowProblem(column, f"ISBN “{text}” sai số kiểm tra", f"ISBN “{text}” fails its check")
        )
        fields.append(DataField("020", "  ", [("z", isbn or text)]))
    for column, text in cells.many("issn", _ISBN_LISTS):
        issn = normalize_issn(text) or text
        if not is_valid_issn(text):
            cells.warnings.append(
                RowProblem(column, f"ISSN “{text}” không hợp lệ", f"ISSN “{text}” is not valid")
            )
        fields.append(DataField("022", "  ", [("a" if is_valid_issn(text) else "y", issn)]))
    return fields


def _languages(cells: _Row) -> tuple[list[str], list[DataField]]:
    codes: list[str] = []
    notes: list[DataField] = []
    for column, text in cells.many("language", re.compile(r"\s*[;|,]\s*")):
        code = _LANGUAGES.get(fold_for_search(text))
        if code is None and re.fullmatch(r"[a-z]{3}", text):
            code = text
        if code:
            codes.append(code)
            continue
        cells.warnings.append(
            RowProblem(
                column,
                f"không nhận ra ngôn ngữ “{text}”, ghi vào phụ chú",
                f"language “{text}” not recognised, kept as a note",
            )
        )
        notes.append(DataField("546", "  ", [("a", text)]))
    codes = list(dict.fromkeys(codes))
    fields = [DataField("041", "  ", [("a", c) for c in codes])] if codes else []
    return codes, fields + notes


def _items(cells: _Row) -> list[ItemValues]:
    barcodes = [b for _, b in cells.many("barcode")]
    count = max(_copies(cells), len(barcodes))
    call_number, location = cells.first("call_number"), cells.first("location")
    if not count and (call_number or location):
        count = 1  # a call number on the row means the library holds the book
    return [
        ItemValues(barcodes[i] if i < len(barcodes) else None, call_number, location)
        for i in range(count)
    ]


def _item_field(item: ItemValues) -> DataField:
    subfields = [("c", item.location), ("o", item.call_number), ("p", item.barcode)]
    return DataField("952", "  ", [(c, v) for c, v in subfields if v])


def _description(cells: _Row, year: int | None) -> list[DataField]:
    fields = []
    title = [("a", cells.first("title") or "")] + [("b", v) for _, v in cells.many("subtitle")]
    fields.append(DataField("245", "00", title))
    if cells.first("edition"):
        fields.append(DataField("250", "  ", [("a", cells.first("edition") or "")]))
    imprint = [("a", v) for _, v in cells.many("place")]
    imprint += [("b", v) for _, v in cells.many("publisher")]
    imprint += [("c", str(year))] if year else []
    if imprint:
        fields.append(DataField("260", "  ", imprint))
    pages = cells.first("pages")
    physical = [
        ("a", f"{pages} tr." if pages and pages.isascii() and pages.isdigit() else pages or "")
    ]
    physical += [("c", v) for v in [cells.first("dimensions")] if v]
    if any(v for _, v in physical):
        fields.append(DataField("300", "  ", [(c, v) for c, v in physical if v]))
    fields += [DataField("490", "0 ", [("a", v)]) for _, v in cells.many("series")]
    fields += [DataField("500", "  ", [("a", v)]) for _, v in cells.cells.get("note", [])]
    fields += [DataField("520", "  ", [("a", v)]) for _, v in cells.cells.get("summary", [])]
    fields += [DataField("650", " 4", [("a", v)]) for _, v in cells.many("subject")]
    fields += [DataField("082", "04", [("a", v)]) for _, v in cells.many("ddc")]
    fields += [DataField("080", "  ", [("a", v)]) for _, v in cells.many("udc")]
    return fields


def row_to_record(
    row: Mapping[str, object],
    mapping: Mapping[str, str],
    *,
    row_number: int | None = None,
    entered: date | None = None,
) -> TabularRecord:
    """One spreadsheet row as a MARC 21 record with a 952 field per copy.

    ``mapping`` maps column names to targets in ``TARGETS``; ``row_number`` is used in
    messages; ``entered`` is the date written in 008/00-05 (today by default).
    Raises ``RowError`` listing every problem of the row.
    """
    check_mapping(mapping)
    cells = _Row(row, mapping)
    if not cells.first("title"):
        title_columns = [c for c, t in mapping.items() if t == "title"]
        cells.problems.append(RowProblem(title_columns[0], "nhan đề trống", "the title is empty"))
    year = _year(cells)
    items = _items(cells)
    identifiers = _identifiers(cells)
    codes, language_fields = _languages(cells)
    fields: list[ControlField | DataField] = []
    if cells.first("local_id"):
        fields.append(ControlField("001", cells.first("local_id") or ""))
    language = codes[0] if codes else None
    fields.append(ControlField("008", minimal_008(entered or date.today(), year, language)))
    fields += identifiers + language_fields
    authors = [v for _, v in cells.many("author")]
    fields += [name_field(name, i == 0) for i, name in enumerate(authors)]
    fields += _description(cells, year)
    fields += [_item_field(item) for item in items]
    if cells.problems:
        raise RowError(cells.problems, row_number)
    if authors:  # the title is not the main entry: 245 ind1 '1'
        for f in fields:
            if isinstance(f, DataField) and f.tag == "245":
                f.indicators = "10"
    fields.sort(key=lambda f: f.tag)
    # Leader/17 'u' (level unknown), /18 'c' (no ISBD punctuation in the data).
    return TabularRecord(Record("00000nam a2200000uc 4500", fields), items, cells.warnings)
