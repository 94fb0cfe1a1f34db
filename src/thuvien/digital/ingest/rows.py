"""Turn a manifest's rows into objects (the rules are in ``manifest``'s module docstring)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from thuvien.digital.ingest.errors import ERROR, WARNING, IngestError, RowProblem
from thuvien.digital.ingest.paths import natural_key
from thuvien.digital.ingest.sources import SourceFile
from thuvien.digital.ingest.specs import ObjectSpec, PageSpec, expand_file, promises_image
from thuvien.digital.ingest.table import Table
from thuvien.digital.ingest.vocab import (
    LIST_FIELDS,
    PAGE_FIELDS,
    access_level,
    column_field,
    kind_of,
    language_codes,
)

__all__ = ["RowReader"]

_SEPARATORS = re.compile(r"\s*[;|]\s*")
_PATTERN = re.compile(r"[*?\[]")
_SINGLE_FIELDS = frozenset({"title", "type", "access", "collection", "record"})
Page = tuple[str, int | None]  # (relpath, page of a PDF or multi-page TIFF)

# code -> (level, Vietnamese, English); {placeholders} filled per problem.
MESSAGES = {
    "unknown-column": (WARNING, "Cột không nhận ra, bị bỏ qua", "Unknown column, ignored"),
    "unnamed-column": (
        WARNING,
        "Ô có dữ liệu ở cột không tên, bị bỏ qua",
        "Value in a column without a header, ignored",
    ),
    "no-title-column": (ERROR, "Thiếu cột nhan đề", "No title column"),
    "no-access-column": (
        WARNING,
        "Không có cột quyền truy cập: mọi đối tượng là '{access}'",
        "No access column: every object is '{access}'",
    ),
    "no-object": (ERROR, "Dòng không thuộc đối tượng nào", "Row belongs to no object"),
    "conflict": (
        ERROR,
        "Khác giá trị '{value}' ở dòng {first} của cùng đối tượng",
        "Differs from '{value}' on row {first} of the same object",
    ),
    "bad-number": (
        ERROR,
        "'{value}' không phải số nguyên dương",
        "'{value}' is not a positive whole number",
    ),
    "missing-file": (ERROR, "Không có tệp '{name}' trong lô", "No file '{name}' in the batch"),
    "no-file": (ERROR, "Dòng trang thiếu tên tệp", "Page row without a file"),
    "no-match": (ERROR, "Không tệp nào khớp '{name}'", "No file matches '{name}'"),
    "no-page-files": (
        ERROR,
        "'{name}' không có ảnh trang nào",
        "'{name}' holds no page images",
    ),
    "blocked-file": (
        ERROR,
        "Tệp có lỗi trong lô (xem báo cáo của lô)",
        "The file has a problem in the batch (see the batch report)",
    ),
    "duplicate-file": (
        ERROR,
        "Tệp {name} đã có ở dòng {first}",
        "File {name} already listed on row {first}",
    ),
    "missing-order": (
        ERROR,
        "Thiếu số thứ tự trang (các dòng khác của đối tượng có)",
        "Page order missing (other rows of the object have one)",
    ),
    "duplicate-order": (
        ERROR,
        "Số thứ tự trang {order} bị trùng",
        "Page order {order} used twice",
    ),
    "order-gap": (WARNING, "Thiếu trang số {pages}", "Page numbers missing: {pages}"),
    "unknown-type": (
        WARNING,
        "Loại '{value}' không nhận ra: dùng 'other'",
        "Unknown type '{value}': 'other' used",
    ),
    "no-access": (
        WARNING,
        "Không ghi quyền truy cập: dùng '{access}'",
        "No access level given: '{access}' used",
    ),
    "unknown-access": (
        ERROR,
        "Quyền truy cập '{value}' không hợp lệ (công khai, bạn đọc đăng ký, tại chỗ, hạn chế)",
        "Unknown access level '{value}' (public, registered, onsite, restricted)",
    ),
    "unknown-language": (
        WARNING,
        "Ngôn ngữ '{value}' không nhận ra, giữ nguyên",
        "Unknown language '{value}', kept as given",
    ),
    "missing-title": (ERROR, "Thiếu nhan đề", "Title missing"),
    "no-pages": (ERROR, "Đối tượng không có trang nào", "Object has no pages"),
    "unlisted-file": (
        WARNING,
        "Tệp trong lô không có trong tệp mô tả, không được dùng",
        "File in the batch but not in the manifest: not used",
    ),
    "legacy-encoding": (
        WARNING,
        "Tệp CSV được đọc theo bảng mã {value}",
        "The CSV file was read as {value}",
    ),
}


@dataclass
class _PageRow:
    row: int
    pages: list[Page]
    order: int | None
    label: str | None


@dataclass
class _Draft:
    """An object as its rows are read."""

    key: str
    row: int
    single: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # value, row, header
    lists: dict[str, list[str]] = field(default_factory=dict)
    pages: list[_PageRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


class _Files:
    """The batch's files, found by a manifest's spelling of their names."""

    def __init__(self, files: list[SourceFile]):
        self.files = sorted(files, key=lambda f: natural_key(f.relpath))
        self.exact = {f.relpath: f for f in self.files}
        self.folded: dict[str, list[SourceFile]] = {}
        for f in self.files:
            self.folded.setdefault(f.relpath.casefold(), []).append(f)

    def find(self, spelled: str) -> tuple[list[SourceFile], bool]:
        """``(files, several)``: one file, or all under a folder or matching a pattern."""
        name = spelled.replace("\\", "/").strip()
        while name.startswith("./"):
            name = name[2:]
        if _PATTERN.search(name):
            pattern = name.casefold()
            return [f for f in self.files if fnmatchcase(f.relpath.casefold(), pattern)], True
        if name in self.exact:
            return [self.exact[name]], False
        same = self.folded.get(name.casefold(), [])
        if len(same) == 1:
            return same, False  # "Trang1.TIF" for "trang1.tif": what Windows would open
        prefix = name.rstrip("/").casefold() + "/"
        return [f for f in self.files if f.relpath.casefold().startswith(prefix)], True


def _object_key(spelled_file: str) -> str:
    """Without an object column: the file's top folder, or a loose file's name sans suffix."""
    name = spelled_file.replace("\\", "/").strip("/")
    return name.split("/", 1)[0] if "/" in name else PurePosixPath(name).stem


class RowReader:
    def __init__(self, table: Table, files: list[SourceFile], blocked: set[str], access: str):
        self.blocked, self.default_access = blocked, access
        self.files = _Files(files)
        self.problems: list[RowProblem] = []
        self.drafts: dict[str, _Draft] = {}
        self.used: dict[Page, int] = {}
        self.current: _Draft | None = None
        self.columns = self._columns(table.header)
        self.fields = {name for name, _ in self.columns}

    def report(
        self,
        row: int,
        column: str | None,
        code: str,
        draft: _Draft | None = None,
        file: str | None = None,
        **values: object,
    ) -> None:
        level, vi, en = MESSAGES[code]
        key = draft.key if draft else None
        problem = RowProblem(
            row, column, vi.format(**values), en.format(**values), level, code, key, file
        )
        self.problems.append(problem)
        if draft is not None:
            draft.problems.append(problem)

    # -- header -----------------------------------------------------------------------------

    def _columns(self, header: list[str]) -> list[tuple[str | None, str]]:
        columns = []
        for text in header:
            name = column_field(text) if text else None
            if text and name is None:
                self.report(1, text, "unknown-column")
            columns.append((name, text))
        names = {name for name, _ in columns}
        if "file" not in names:
            raise IngestError(
                "Tệp mô tả thiếu cột tệp (file / tệp)",
                "The manifest has no file column (file / tệp)",
                code="no-file-column",
            )
        if "title" not in names:
            self.report(1, None, "no-title-column")
        if "access" not in names:
            self.report(1, None, "no-access-column", access=self.default_access)
        return columns

    # -- rows -------------------------------------------------------------------------------

    def _cells(self, row: int, cells: list[str]) -> dict[str, list[tuple[str, str]]]:
        """field -> [(value, header)] for the row's non-empty cells in known columns."""
        values: dict[str, list[tuple[str, str]]] = {}
        for index, cell in enumerate(cells):
            if not cell:
                continue
            name, header = self.columns[index] if index < len(self.columns) else (None, "")
            if name:
                values.setdefault(name, []).append((cell, header))
            elif not header:
                self.report(row, f"#{index + 1}", "unnamed-column")
        return values

    def _draft(self, row: int, values: dict) -> _Draft | None:
        if "object" in values:
            key = values["object"][0][0]
        elif self.current is not None and "object" in self.fields:
            return self.current  # identifier given on the object's first row only
        elif "file" in values:
            key = _object_key(values["file"][0][0])
        else:
            self.report(row, None, "no-object")
            return None
        return self.drafts.setdefault(key, _Draft(key, row))

    def row(self, row: int, cells: list[str]) -> None:
        values = self._cells(row, cells)
        draft = self._draft(row, values)
        if draft is not None:
            self.current = draft
            self._object_fields(row, values, draft)
            self._page(row, values, draft)

    def _object_fields(self, row: int, values: dict, draft: _Draft) -> None:
        for name, cells in values.items():
            if name == "object" or name in PAGE_FIELDS:
                continue
            if name not in _SINGLE_FIELDS:
                bucket = draft.lists.setdefault(name, [])
                for cell, _ in cells:
                    parts = _SEPARATORS.split(cell) if name in LIST_FIELDS else [cell]
                    bucket += [p for p in parts if p and p not in bucket]
                continue
            value, header = cells[0]
            known = draft.single.setdefault(name, (value, row, header))
            if known[0] != value:
                self.report(row, header, "conflict", draft, value=known[0], first=known[1])

    def _number(self, row: int, values: dict, name: str, draft: _Draft) -> tuple[int | None, bool]:
        if name not in values:
            return None, True
        text, header = values[name][0]
        if text.isdigit() and int(text) >= 1:
            return int(text), True
        self.report(row, header, "bad-number", draft, value=text)
        return None, False

    def _page(self, row: int, values: dict, draft: _Draft) -> None:
        order, order_ok = self._number(row, values, "page", draft)
        pdf_page, pdf_ok = self._number(row, values, "pdf_page", draft)
        if "file" not in values:
            if {"page", "label", "pdf_page"} & values.keys():
                self.report(row, None, "no-file", draft)
            return
        if order_ok and pdf_ok:
            spelled, header = values["file"][0]
            pages = self._resolve(row, header, spelled, pdf_page, draft)
            if pages:
                label = values["label"][0][0] if "label" in values else None
                draft.pages.append(_PageRow(row, pages, order, label))

    def _resolve(self, row: int, header: str, spelled: str, pdf_page, draft) -> list[Page]:
        found, several = self.files.find(spelled)
        if not found:
            code = "no-match" if _PATTERN.search(spelled) else "missing-file"
            self.report(row, header, code, draft, name=spelled)
            return []
        reported = len(draft.problems)
        pages: list[Page] = []
        for file in found:
            pages += self._file_pages(
                row, header, file, None if several else pdf_page, draft, several
            )
        if several and not pages and len(draft.problems) == reported:
            self.report(row, header, "no-page-files", draft, name=spelled)
        return self._first_use(row, header, pages, draft)

    def _file_pages(self, row, header, file: SourceFile, pdf_page, draft, several) -> list[Page]:
        if file.relpath in self.blocked:
            self.report(row, header, "blocked-file", draft, file=file.relpath)
            return []
        try:
            return expand_file(file, pdf_page)
        except IngestError as error:
            if several and error.code == "unsupported-format" and not promises_image(file.relpath):
                return []  # a note in a listed folder: reported as not used
            problem = RowProblem(
                row, header, error.vi, error.en, ERROR, error.code, draft.key, file.relpath
            )
            self.problems.append(problem)
            draft.problems.append(problem)
            return []

    def _first_use(self, row: int, header: str, pages: list[Page], draft: _Draft) -> list[Page]:
        fresh, reported = [], set()
        for page in pages:
            first = self.used.setdefault(page, row)
            if first == row:
                fresh.append(page)
            elif page[0] not in reported:  # once per file, not once per PDF page
                reported.add(page[0])
                self.report(
                    row, header, "duplicate-file", draft, file=page[0], name=page[0], first=first
                )
        return fresh

    # -- objects ----------------------------------------------------------------------------

    def _orders(self, draft: _Draft) -> list[tuple[str, Page]]:
        """``(label, page)`` in reading order; problems for missing or duplicate orders."""
        if all(p.order is None for p in draft.pages):
            flat = [
                (p.label if len(p.pages) == 1 else None, page)
                for p in draft.pages
                for page in p.pages
            ]
            return [(label or str(n), page) for n, (label, page) in enumerate(flat, 1)]
        numbered: dict[int, tuple[str, Page]] = {}
        for p in draft.pages:
            if p.order is None:
                self.report(p.row, "page", "missing-order", draft)
                continue
            for offset, page in enumerate(p.pages):
                order = p.order + offset
                if order in numbered:
                    self.report(p.row, "page", "duplicate-order", draft, order=order)
                    continue
                numbered[order] = (p.label if len(p.pages) == 1 and p.label else str(order), page)
        missing = sorted(set(range(1, max(numbered, default=0) + 1)) - numbered.keys())
        if missing:
            self.report(
                draft.row, "page", "order-gap", draft, pages=", ".join(map(str, missing[:10]))
            )
        return [numbered[order] for order in sorted(numbered)]

    def _single(self, draft: _Draft, name: str) -> tuple[str | None, int, str]:
        return draft.single.get(name, (None, draft.row, name))

    def _kind(self, draft: _Draft, dc: dict[str, list[str]]) -> str:
        value, row, header = self._single(draft, "type")
        if value is None:
            return "other"
        kind = kind_of(value)
        if kind is None:
            dc["type"] = [value]
            self.report(row, header, "unknown-type", draft, value=value)
        return kind or "other"

    def _access(self, draft: _Draft) -> str:
        value, row, header = self._single(draft, "access")
        if value is None:
            if "access" in self.fields:
                self.report(draft.row, "access", "no-access", draft, access=self.default_access)
            return self.default_access
        level = access_level(value)
        if level is None:
            self.report(row, header, "unknown-access", draft, value=value)
        return level or self.default_access

    def _languages(self, draft: _Draft, values: list[str]) -> list[str]:
        codes: list[str] = []
        for value in values:
            found = language_codes(value)
            if found is None:
                self.report(draft.row, "language", "unknown-language", draft, value=value)
            codes += [c for c in found or (value,) if c not in codes]
        return codes

    def build(self, draft: _Draft) -> ObjectSpec:
        dc = {name: list(values) for name, values in draft.lists.items() if values}
        if "language" in dc:
            dc["language"] = self._languages(draft, dc["language"])
        title = self._single(draft, "title")[0]
        record = self._single(draft, "record")[0]
        if not title and not record:  # a linked catalogue record gives the title
            self.report(draft.row, "title", "missing-title", draft)
        kind, access = self._kind(draft, dc), self._access(draft)
        ordered = self._orders(draft)
        pages = [PageSpec(rel, n, label, pdf) for n, (label, (rel, pdf)) in enumerate(ordered, 1)]
        if not pages and not draft.problems:  # else the reason is reported already
            self.report(draft.row, None, "no-pages", draft)
        return ObjectSpec(
            key=draft.key,
            title=title or "",
            kind=kind,
            dc=dc,
            access=access,
            collection=self._single(draft, "collection")[0],
            catalogue_record=record,
            pages=pages,
            row=draft.row,
            problems=draft.problems,
        )

    def objects(self) -> list[ObjectSpec]:
        """Every object read, then a warning for each batch file no row used."""
        built = [self.build(draft) for draft in self.drafts.values()]
        used = {relpath for relpath, _ in self.used}
        for file in self.files.files:
            if file.relpath not in used and file.relpath not in self.blocked:
                self.report(0, None, "unlisted-file", file=file.relpath)
        return built
