"""What an import is told: which column names the library, which columns are which data
elements, which columns to ignore, and which codes stand for a missing figure."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

VN_ID = "vn_id"
STATUSES = ("unknown", "not_applicable", "suppressed")
STATUS_WORDS = {
    "unknown": "unknown",
    "missing": "unknown",
    "khong-ro": "unknown",
    "not_applicable": "not_applicable",
    "na": "not_applicable",
    "n/a": "not_applicable",
    "khong-ap-dung": "not_applicable",
    "suppressed": "suppressed",
    "khong-cong-bo": "suppressed",
}
# Codes of the sources the platform loads (IMLS PLS Data File Documentation, Appendix A:
# -1 missing, -3 closed or temporarily closed, -4 not applicable, -9 suppressed; "M"
# missing in text fields. IFLA Library Map of the World: -1 no data).
PRESETS: dict[str, dict[str, str]] = {
    "imls": {
        "-1": "unknown",
        "-3": "not_applicable",
        "-4": "not_applicable",
        "-9": "suppressed",
        "M": "unknown",
    },
    "ifla": {"-1": "unknown"},
}
NUMBER_FORMATS = ("vi", "en")


class SetupError(ValueError):
    """The import cannot start; ``problems`` lists every reason, each in Vietnamese and
    English with its place."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class MissingCodes:
    """Cell texts (and the numbers they stand for) that mean a status, not a figure."""

    def __init__(self, codes: dict[str, str] | None = None):
        self.codes = dict(codes or {})
        self._texts = {code.strip().casefold(): status for code, status in self.codes.items()}
        self._numbers: dict[Decimal, str] = {}
        for code, status in self.codes.items():
            with contextlib.suppress(InvalidOperation):  # a text code ("M") is not a number
                self._numbers[Decimal(code.strip())] = status

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MissingCodes) and other.codes == self.codes

    __hash__ = None  # type: ignore[assignment]

    def status_of_text(self, text: str) -> str | None:
        return self._texts.get(text.strip().casefold())

    def status_of_number(self, number: Decimal) -> str | None:
        return self._numbers.get(number) if self._numbers else None


@dataclass(frozen=True)
class Mapping:
    library_column: str = ""  # "" : found from the header
    scheme: str = VN_ID  # VN- ids, or the alias scheme of the identifiers in that column
    columns: dict[str, str] = field(default_factory=dict)  # column -> element code
    ignore: frozenset[str] = frozenset()
    missing: MissingCodes = field(default_factory=MissingCodes)
    number_format: str = "vi"  # "vi": parse_number as typed in Vietnam; "en": 1,234.5
    # Round figures with more decimals than the 4 stored (sources that prorate, e.g. IMLS
    # FY2014 downloadable units), counted in the report; otherwise such a figure is an error.
    round_decimals: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "library": {"column": self.library_column, "scheme": self.scheme},
            "columns": self.columns,
            "ignore": sorted(self.ignore),
            "missing": self.missing.codes,
            "number_format": self.number_format,
            "round_decimals": self.round_decimals,
        }

    def with_missing(self, codes: dict[str, str]) -> Mapping:
        merged = {**self.missing.codes, **codes}
        return Mapping(
            self.library_column,
            self.scheme,
            self.columns,
            self.ignore,
            MissingCodes(merged),
            self.number_format,
            self.round_decimals,
        )


def load_mapping(path: str | Path) -> Mapping:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SetupError(
            [f"{path}: không đọc được tệp ánh xạ JSON / cannot read the JSON mapping: {exc}"]
        ) from exc
    return parse_mapping(data)


def parse_mapping(data: Any) -> Mapping:
    """A mapping from its JSON form; SetupError lists every problem with its place."""
    if not isinstance(data, dict):
        raise SetupError(["(gốc / root): cần một đối tượng JSON / must be a JSON object"])
    problems: list[str] = []
    keys = {"library", "columns", "ignore", "missing", "number_format", "round_decimals"}
    unknown = sorted(set(data) - keys)
    if unknown:
        problems.append(
            f"khoá không hợp lệ / unknown keys: {', '.join(unknown)} ({', '.join(sorted(keys))})"
        )
    column, scheme = _library(data.get("library", {}), problems)
    columns = _text_dict(data.get("columns", {}), "columns", problems)
    ignore = data.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(c, str) for c in ignore):
        problems.append("ignore: cần danh sách tên cột / must be a list of column names")
        ignore = []
    missing = _missing(data.get("missing", {}), problems)
    number_format = data.get("number_format", "vi")
    if number_format not in NUMBER_FORMATS:
        problems.append(
            f"number_format: cần 'vi' hoặc 'en' / must be 'vi' or 'en', not {number_format!r}"
        )
    if problems:
        raise SetupError(problems)
    round_decimals = data.get("round_decimals", False)
    if not isinstance(round_decimals, bool):
        problems.append("round_decimals: cần true hoặc false / must be true or false")
    if problems:
        raise SetupError(problems)
    return Mapping(
        column, scheme, columns, frozenset(ignore), missing, number_format, round_decimals
    )


def _library(raw: Any, problems: list[str]) -> tuple[str, str]:
    if isinstance(raw, str):  # only the column
        return raw, VN_ID
    if not isinstance(raw, dict):
        problems.append(
            'library: cần {"column": tên cột, "scheme": hệ thống mã} / '
            'must be {"column": name, "scheme": identifier scheme}'
        )
        return "", VN_ID
    column, scheme = raw.get("column", ""), raw.get("scheme", "") or VN_ID
    if not isinstance(column, str) or not isinstance(scheme, str):
        problems.append("library: column và scheme là văn bản / column and scheme are text")
        return "", VN_ID
    return column.strip(), scheme.strip()


def _text_dict(raw: Any, key: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        problems.append(f"{key}: cần {{cột: mã chỉ tiêu}} / must be {{column: element code}}")
        return {}
    return {k: v.strip() for k, v in raw.items()}


def _missing(raw: Any, problems: list[str]) -> MissingCodes:
    if isinstance(raw, str):
        try:
            return MissingCodes(parse_missing_codes(raw))
        except SetupError as exc:
            problems.extend(exc.problems)
            return MissingCodes()
    codes = _text_dict(raw, "missing", problems)
    checked = {}
    for code, status in codes.items():
        try:
            checked[code] = _status(status, code)
        except SetupError as exc:
            problems.extend(f"missing: {p}" for p in exc.problems)
    return MissingCodes(checked)


def parse_missing_codes(text: str) -> dict[str, str]:
    """Codes as given on the command line: presets and CODE=STATUS pairs separated by
    commas, e.g. "imls" or "-1=unknown,-3=not_applicable,M=unknown"."""
    codes: dict[str, str] = {}
    problems: list[str] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item.lower() in PRESETS:
            codes.update(PRESETS[item.lower()])
            continue
        code, sep, status = item.rpartition("=")
        if not sep or not code.strip():
            problems.append(
                f"{item!r}: cần dạng MÃ=TRẠNG_THÁI hoặc tên bộ mã ({', '.join(PRESETS)}) / "
                f"must be CODE=STATUS or a preset ({', '.join(PRESETS)})"
            )
            continue
        try:
            codes[code.strip()] = _status(status, code)
        except SetupError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SetupError(problems)
    return codes


def _status(word: str, code: str) -> str:
    status = STATUS_WORDS.get(word.strip().lower())
    if status is None:
        raise SetupError(
            [
                f"{code!r}: trạng thái {word!r} không hợp lệ; dùng {', '.join(STATUSES)} / "
                f"invalid status {word!r}; use {', '.join(STATUSES)}"
            ]
        )
    return status
