"""Form definitions as data (JSON): reading and checking them, without Django.

A definition is a dict with the form's code, names, kind and periodicity and a tree of
elements; a child's ``part_kind`` says whether it must add up to its parent ("part") or
is only an "of which" item. Every problem is reported with where it is
("elements[3].children[1].code") in Vietnamese and English, all at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

KINDS = ("statistics", "survey", "external")
PERIODICITIES = ("annual", "monthly", "ad_hoc")
GROUPS = ("libraries", "use", "collection", "access", "management", "funding", "staff", "")
VALUE_TYPES = (
    "integer",
    "decimal",
    "percent",
    "boolean",
    "text",
    "choice",
    "multi_choice",
    "scale",
    "file",
)
NUMERIC = frozenset({"integer", "decimal", "percent", "scale"})
PART_KINDS = ("part", "of_which")
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
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
FORM_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9\-]{0,63}$")


class DefinitionError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ElementSpec:
    code: str
    label: str
    value_type: str
    label_en: str = ""
    group: str = ""
    section: str = ""
    unit: str = ""
    unit_en: str = ""
    choices: tuple[dict[str, str], ...] = ()
    applies_to: tuple[str, ...] = ()
    parent: str | None = None
    part_kind: str = ""
    required: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    yoy_low: Decimal | None = None
    yoy_high: Decimal | None = None
    condition: dict[str, Any] | None = None
    aggregate: str = "sum"
    help_text: str = ""
    help_text_en: str = ""

    @property
    def numeric(self) -> bool:
        return self.value_type in NUMERIC

    def applies(self, library_type: str) -> bool:
        return not self.applies_to or library_type in self.applies_to


@dataclass(frozen=True)
class FormSpec:
    code: str
    name: str
    kind: str
    periodicity: str = "annual"
    name_en: str = ""
    legal_basis: str = ""
    description: str = ""
    elements: tuple[ElementSpec, ...] = field(default_factory=tuple)

    def element(self, code: str) -> ElementSpec:
        return next(e for e in self.elements if e.code == code)


def load_file(path: str | Path) -> FormSpec:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DefinitionError(
            [f"{path}: không đọc được tệp JSON / cannot read the JSON file: {exc}"]
        ) from exc
    return parse(data)


def parse(data: Any) -> FormSpec:
    """The definition checked whole; DefinitionError lists every problem with its place."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise DefinitionError(["(gốc / root): cần một đối tượng JSON / must be a JSON object"])
    code = _text(data, "code", "", problems, required=True)
    if code and not FORM_CODE_RE.match(code):
        problems.append(
            f"code: mã biểu mẫu chỉ gồm chữ thường không dấu, số và '-' / "
            f"the form code may hold only a-z, 0-9 and '-': {code!r}"
        )
    kind = _choice(data, "kind", "", KINDS, problems, default="statistics")
    periodicity = _choice(data, "periodicity", "", PERIODICITIES, problems, default="annual")
    elements: list[ElementSpec] = []
    raw_elements = data.get("elements")
    if not isinstance(raw_elements, list) or not raw_elements:
        problems.append("elements: cần một danh sách chỉ tiêu / needs a list of elements")
    else:
        for i, raw in enumerate(raw_elements):
            _element(raw, f"elements[{i}]", None, elements, problems)
    _check_codes(elements, problems)
    if problems:
        raise DefinitionError(problems)
    return FormSpec(
        code=code,
        name=_text(data, "name", "", problems, required=True),
        name_en=_text(data, "name_en", "", problems),
        kind=kind,
        periodicity=periodicity,
        legal_basis=_text(data, "legal_basis", "", problems),
        description=_text(data, "description", "", problems),
        elements=tuple(elements),
    )


def _element(raw: Any, where: str, parent: ElementSpec | None, out: list, problems: list) -> None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: cần một đối tượng / must be an object")
        return
    before = len(problems)
    value_type = _choice(raw, "type", where, VALUE_TYPES, problems)
    spec = ElementSpec(
        code=_text(raw, "code", where, problems, required=True),
        label=_text(raw, "label", where, problems, required=True),
        label_en=_text(raw, "label_en", where, problems),
        value_type=value_type,
        group=_choice(raw, "group", where, GROUPS, problems, parent.group if parent else ""),
        section=_text(raw, "section", where, problems),
        unit=_text(raw, "unit", where, problems),
        unit_en=_text(raw, "unit_en", where, problems),
        choices=_choices(raw, where, value_type, problems),
        applies_to=_applies_to(raw, where, parent, problems),
        parent=parent.code if parent else None,
        part_kind=_part_kind(raw, where, parent, problems),
        required=bool(raw.get("required", False)),
        min_value=_decimal(raw, "min", where, problems),
        max_value=_decimal(raw, "max", where, problems),
        yoy_low=_decimal(raw, "yoy_low", where, problems),
        yoy_high=_decimal(raw, "yoy_high", where, problems),
        condition=_condition(raw, where, problems),
        aggregate=_choice(raw, "aggregate", where, ("sum", "none", ""), problems, default=""),
        help_text=_text(raw, "help", where, problems),
        help_text_en=_text(raw, "help_en", where, problems),
    )
    if not spec.aggregate:  # counts, money and yes/no (as 1/0) add up; ratios, texts do not
        summed = spec.value_type in ("integer", "decimal", "boolean")
        spec = _replace(spec, aggregate="sum" if summed else "none")
    if parent is not None and parent.value_type not in NUMERIC and spec.part_kind == "part":
        problems.append(f"{where}: chỉ tiêu tổng phải là số / a total must be numeric")
    if spec.code and CODE_RE.match(spec.code) is None:
        problems.append(
            f"{where}.code: mã chỉ tiêu không hợp lệ / invalid element code {spec.code!r}"
        )
    if len(problems) == before:
        out.append(spec)
    children = raw.get("children", [])
    if not isinstance(children, list):
        problems.append(f"{where}.children: cần một danh sách / must be a list")
        return
    for i, child in enumerate(children):
        _element(child, f"{where}.children[{i}]", spec, out, problems)


def _replace(spec: ElementSpec, **changes: Any) -> ElementSpec:
    from dataclasses import replace

    return replace(spec, **changes)


def _text(raw: dict, key: str, where: str, problems: list, required: bool = False) -> str:
    value = raw.get(key, "")
    place = f"{where}.{key}" if where else key
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.append(f"{place}: cần văn bản / must be text")
        return ""
    if required and not value.strip():
        problems.append(f"{place}: bắt buộc / required")
    return value.strip()


def _choice(
    raw: dict, key: str, where: str, allowed: tuple, problems: list, default: str | None = None
) -> str:
    value = raw.get(key, default)
    place = f"{where}.{key}" if where else key
    if value is None:
        problems.append(f"{place}: bắt buộc / required")
        return ""
    if value not in allowed:
        problems.append(
            f"{place}: giá trị {value!r} không thuộc / value not among: "
            + ", ".join(a for a in allowed if a)
        )
        return ""
    return value


def _decimal(raw: dict, key: str, where: str, problems: list) -> Decimal | None:
    value = raw.get(key)
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        return Decimal(str(value))
    except InvalidOperation:
        problems.append(f"{where}.{key}: cần một số / must be a number, not {value!r}")
        return None


def _choices(raw: dict, where: str, value_type: str, problems: list) -> tuple:
    items = raw.get("choices", [])
    if value_type in ("choice", "multi_choice") and not items:
        problems.append(f"{where}.choices: cần các lựa chọn / needs choices")
    if not isinstance(items, list):
        problems.append(f"{where}.choices: cần một danh sách / must be a list")
        return ()
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("value") or not item.get("label"):
            problems.append(f"{where}.choices[{i}]: cần value và label / needs a value and a label")
            continue
        out.append({k: str(item[k]) for k in ("value", "label", "label_en") if k in item})
    return tuple(out)


def _applies_to(raw: dict, where: str, parent: ElementSpec | None, problems: list) -> tuple:
    value = raw.get("applies_to")
    if value is None:
        return parent.applies_to if parent else ()
    if not isinstance(value, list) or any(v not in LIBRARY_TYPES for v in value):
        problems.append(
            f"{where}.applies_to: loại thư viện không hợp lệ / unknown library type in {value!r}"
            f" ({', '.join(LIBRARY_TYPES)})"
        )
        return ()
    return tuple(value)


def _part_kind(raw: dict, where: str, parent: ElementSpec | None, problems: list) -> str:
    value = raw.get("part_kind")
    if parent is None:
        if value:
            problems.append(
                f"{where}.part_kind: chỉ dùng cho chỉ tiêu con / only for child elements"
            )
        return ""
    if value not in PART_KINDS:
        problems.append(
            f"{where}.part_kind: cần 'part' (cộng lại bằng tổng) hoặc 'of_which' (trong đó) / "
            "must be 'part' (adds up to the total) or 'of_which'"
        )
        return ""
    return value


def _condition(raw: dict, where: str, problems: list) -> dict | None:
    value = raw.get("condition")
    if value is None:
        return None
    ok = (
        isinstance(value, dict)
        and isinstance(value.get("element"), str)
        and isinstance(value.get("in"), list)
    )
    if not ok:
        problems.append(
            f'{where}.condition: cần dạng {{"element": mã, "in": [giá trị]}} / '
            'must be {"element": code, "in": [values]}'
        )
        return None
    return {"element": value["element"], "in": [str(v) for v in value["in"]]}


def _check_codes(elements: list[ElementSpec], problems: list) -> None:
    seen: set[str] = set()
    for element in elements:
        if element.code in seen:
            problems.append(f"{element.code}: mã chỉ tiêu trùng / duplicate element code")
        seen.add(element.code)
    for element in elements:
        if element.condition and element.condition["element"] not in seen:
            problems.append(
                f"{element.code}.condition: chỉ tiêu {element.condition['element']!r} không có"
                " trong biểu mẫu / element not in the form"
            )
