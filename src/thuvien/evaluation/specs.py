"""Reading JSON definitions field by field, collecting every problem with its place
("indicators[2].bands[0].at_least") in Vietnamese and English. No Django."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9\-]{0,63}$")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
LIBRARY_TYPES = (
    "national",
    "public",
    "specialised",
    "armed_forces",
    "university",
    "school",
    "community",
    "foreign",
)
LEVELS = ("province", "commune", "district")


class SpecError(ValueError):
    """The definition cannot be loaded; ``problems`` lists every reason with its place."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def read_json(path: str | Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecError([f"không đọc được tệp JSON / cannot read the JSON file: {exc}"]) from exc


def place(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


class Reader:
    """Field readers that note a problem and return a harmless default."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: str, vi: str, en: str) -> None:
        self.problems.append(f"{where or '(gốc / root)'}: {vi} / {en}")

    def obj(self, raw: Any, where: str) -> dict | None:
        if isinstance(raw, dict):
            return raw
        self.add(where, "cần một đối tượng JSON", "must be a JSON object")
        return None

    def items(self, raw: dict, key: str, where: str, *, required: bool = True) -> list:
        value = raw.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.add(place(where, key), "cần một danh sách không rỗng", "needs a non-empty list")
            return []
        return value

    def text(self, raw: dict, key: str, where: str, *, required: bool = False) -> str:
        value = raw.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(place(where, key), "cần văn bản", "must be text")
            return ""
        if required and not value.strip():
            self.add(place(where, key), "bắt buộc", "required")
        return value.strip()

    def pattern(self, raw: dict, key: str, where: str, regex: re.Pattern) -> str:
        value = self.text(raw, key, where, required=True)
        if value and not regex.match(value):
            self.add(
                place(where, key),
                f"mã không hợp lệ {value!r}",
                f"invalid code {value!r} (letters, digits, '-', '.')",
            )
        return value

    def choice(self, raw: dict, key: str, where: str, allowed: tuple, default: str) -> str:
        value = raw.get(key, default)
        if value not in allowed:
            self.add(
                place(where, key),
                f"giá trị {value!r} không thuộc {', '.join(allowed)}",
                f"value {value!r} is not one of {', '.join(allowed)}",
            )
            return default
        return value

    def number(
        self, raw: dict, key: str, where: str, *, required: bool = False, positive: bool = False
    ) -> Decimal | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.add(place(where, key), "bắt buộc", "required")
            return None
        try:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise InvalidOperation
            number = Decimal(str(value))
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.add(place(where, key), f"cần một số, không phải {value!r}", "must be a number")
            return None
        if positive and number <= 0:
            self.add(place(where, key), "cần một số dương", "must be positive")
            return None
        return number

    def integer(self, raw: dict, key: str, where: str, default: int, low: int, high: int) -> int:
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(
                place(where, key),
                f"cần số nguyên từ {low} đến {high}",
                f"must be a whole number from {low} to {high}",
            )
            return default
        return value

    def library_types(self, raw: dict, key: str, where: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or any(v not in LIBRARY_TYPES for v in value):
            self.add(
                place(where, key),
                f"loại thư viện không hợp lệ trong {value!r}",
                f"unknown library type in {value!r} ({', '.join(LIBRARY_TYPES)})",
            )
            return ()
        return tuple(value)

    def raise_if_any(self) -> None:
        if self.problems:
            raise SpecError(self.problems)
