"""Checking a report's figures against its form (pure: no Django).

Errors block submission (types, ranges, totals that do not add up, an "of which" larger
than its total, an estimate without its method, a required figure missing); warnings do not
block but need an explanatory note (a figure far from last year's). Every problem names
the element it belongs to, so the page shows it next to the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from thuvien.stats.definitions import ElementSpec

SUMMED = ("reported", "estimated")
# What the database keeps: 16 digits before the decimal point, 4 after.
LARGEST = Decimal("9999999999999999.9999")
STATUSES = ("reported", "estimated", "not_applicable", "unknown", "suppressed")


@dataclass(frozen=True)
class Entered:
    """A figure as entered: a number (or text/choice), its status, and the notes."""

    number: Decimal | None = None
    text: str = ""
    status: str = "reported"
    estimate_method: str = ""
    note: str = ""

    @property
    def blank(self) -> bool:
        return self.status == "reported" and self.number is None and not self.text

    @property
    def summable(self) -> Decimal | None:
        return self.number if self.status in SUMMED else None


@dataclass(frozen=True)
class Problem:
    code: str
    level: str  # "error" or "warning"
    vi: str
    en: str
    explained: bool = False  # a warning with its note

    @property
    def message(self) -> str:
        return f"{self.vi} / {self.en}"


def storable(number: Decimal) -> bool:
    """Whether the number fits the stored precision (larger ones are refused, not cut)."""
    return abs(number) <= LARGEST and number == number.quantize(Decimal("0.0001"))


def parse_number(raw: str) -> Decimal:
    """A number as people type it: "1.234.567" or "1 234 567" (Vietnamese thousands),
    "12,5" (Vietnamese decimal comma) or "12.5"; ValueError otherwise."""
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if text.count(".") > 1 or (text.count(".") == 1 and "," in text):
        text = text.replace(".", "")
    elif text.count(".") == 1 and len(text.split(".")[1]) == 3 and "," not in text:
        text = text.replace(".", "")  # 1.234 is one thousand two hundred thirty-four
    text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(raw) from exc
    if not value.is_finite():
        raise ValueError(raw)
    return value


def visible(element: ElementSpec, values: dict[str, Entered], library_type: str) -> bool:
    """Whether the element is asked of this library (its type, and its condition if any)."""
    if not element.applies(library_type):
        return False
    if element.condition is None:
        return True
    other = values.get(element.condition["element"])
    if other is None:
        return False
    given = {other.text} | set(other.text.split("|")) if other.text else set()
    if other.number is not None:
        given.add(_plain(other.number))
    return bool(given & set(element.condition["in"]))


def validate(
    elements: tuple[ElementSpec, ...] | list[ElementSpec],
    values: dict[str, Entered],
    library_type: str,
    last_year: dict[str, Decimal] | None = None,
    *,
    for_submission: bool = False,
) -> list[Problem]:
    """Every problem of the report; ``for_submission`` adds the required-figure checks."""
    last_year = last_year or {}
    asked = [e for e in elements if visible(e, values, library_type)]
    problems: list[Problem] = []
    for element in asked:
        entered = values.get(element.code, Entered())
        problems += _value_problems(element, entered, for_submission)
    by_code = {e.code: e for e in asked}
    for element in asked:
        problems += _total_problems(element, by_code, values)
        problems += _yoy_problems(element, values.get(element.code), last_year.get(element.code))
    return problems


def blocking(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "error" or (p.level == "warning" and not p.explained)]


def _value_problems(element: ElementSpec, entered: Entered, for_submission: bool) -> list:
    code, out = element.code, []
    if entered.status not in STATUSES:
        return [Problem(code, "error", "Trạng thái không hợp lệ", "Invalid status")]
    if entered.blank:
        if for_submission and element.required:
            out.append(
                Problem(
                    code,
                    "error",
                    "Chỉ tiêu bắt buộc: nhập số liệu (0 nếu bằng không) hoặc chọn trạng thái",
                    "Required: enter a figure (0 if none) or choose a status",
                )
            )
        return out
    if entered.status == "estimated" and not entered.estimate_method.strip():
        out.append(
            Problem(
                code, "error", "Số ước tính cần ghi cách ước tính", "An estimate needs its method"
            )
        )
    if entered.status in ("not_applicable", "unknown", "suppressed"):
        return out
    if element.numeric or element.value_type == "boolean":
        out += _number_problems(element, entered)
    elif element.value_type in ("choice", "multi_choice"):
        out += _choice_problems(element, entered)
    return out


def _number_problems(element: ElementSpec, entered: Entered) -> list[Problem]:
    code, number = element.code, entered.number
    if number is None:
        if entered.status == "estimated":
            return [Problem(code, "error", "Số ước tính cần một số", "An estimate needs a number")]
        return [Problem(code, "error", "Cần nhập một số", "A number is required")]
    if not storable(number):
        return [
            Problem(
                code,
                "error",
                "Số quá lớn hoặc quá nhiều chữ số thập phân (tối đa 16 chữ số và 4 số lẻ)",
                "Number too large or too precise (at most 16 digits and 4 decimals)",
            )
        ]
    if element.value_type == "boolean" and number not in (0, 1):
        return [Problem(code, "error", "Chỉ nhận Có hoặc Không", "Yes or no only")]
    if element.value_type == "integer" and number != number.to_integral_value():
        return [Problem(code, "error", "Cần một số nguyên", "A whole number is required")]
    low = element.min_value
    high = element.max_value if element.value_type != "percent" else Decimal(100)
    if element.value_type == "percent" and low is None:
        low = Decimal(0)
    if low is not None and number < low:
        vi = "Không được âm" if low == 0 else f"Không được nhỏ hơn {_vi(low)}"
        en = "Must not be negative" if low == 0 else f"Must not be below {_en(low)}"
        return [Problem(code, "error", vi, en)]
    if high is not None and number > high:
        return [
            Problem(
                code,
                "error",
                f"Không được lớn hơn {_vi(high)}",
                f"Must not be above {_en(high)}",
            )
        ]
    return []


def _choice_problems(element: ElementSpec, entered: Entered) -> list[Problem]:
    allowed = {c["value"] for c in element.choices}
    chosen = entered.text.split("|") if element.value_type == "multi_choice" else [entered.text]
    unknown = [c for c in chosen if c and c not in allowed]
    if unknown:
        return [
            Problem(
                element.code,
                "error",
                f"Lựa chọn không có trong danh sách: {', '.join(unknown)}",
                f"Not among the choices: {', '.join(unknown)}",
            )
        ]
    return []


def _total_problems(
    element: ElementSpec, by_code: dict[str, ElementSpec], values: dict[str, Entered]
) -> list[Problem]:
    if element.parent is None or element.parent not in by_code:
        return []
    total = values.get(element.parent, Entered()).summable
    mine = values.get(element.code, Entered()).summable
    if total is None or mine is None or mine <= total:
        return _parts_sum_problems(element, by_code, values, total)
    kind_vi = "Thành phần" if element.part_kind == "part" else "Số 'trong đó'"
    kind_en = "A part" if element.part_kind == "part" else "An 'of which' figure"
    return [
        Problem(
            element.code,
            "error",
            f"{kind_vi} ({_vi(mine)}) lớn hơn tổng {element.parent} ({_vi(total)})",
            f"{kind_en} ({_en(mine)}) exceeds the total {element.parent} ({_en(total)})",
        )
    ]


def _parts_sum_problems(element, by_code, values, total) -> list[Problem]:
    """Reported once, on the first part: the parts, all given, must add up to the total."""
    if element.part_kind != "part" or total is None:
        return []
    parts = [e for e in by_code.values() if e.parent == element.parent and e.part_kind == "part"]
    if parts[0].code != element.code:
        return []
    amounts = [values.get(p.code, Entered()).summable for p in parts]
    if any(a is None for a in amounts):
        return []
    added = sum(amounts, Decimal(0))
    if added == total:
        return []
    codes = " + ".join(p.code for p in parts)
    return [
        Problem(
            element.parent,
            "error",
            f"Tổng {element.parent} ({_vi(total)}) khác {codes} ({_vi(added)})",
            f"The total {element.parent} ({_en(total)}) differs from {codes} ({_en(added)})",
        )
    ]


def _yoy_problems(element: ElementSpec, entered: Entered | None, last: Decimal | None) -> list:
    if entered is None or entered.summable is None or last is None or last <= 0:
        return []
    if element.yoy_low is None and element.yoy_high is None:
        return []
    ratio = entered.summable / last
    low, high = element.yoy_low or Decimal(0), element.yoy_high
    if ratio >= low and (high is None or ratio <= high):
        return []
    shown = f"{ratio:.2f}".replace(".", ",")
    return [
        Problem(
            element.code,
            "warning",
            f"Gấp {shown} lần năm trước ({_vi(last)}): cần giải trình",
            f"{ratio:.2f} times last year's figure ({_en(last)}): explain in a note",
            explained=bool(entered.note.strip()),
        )
    ]


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f") if number == number else str(number)
    return text


def _vi(number: Decimal) -> str:
    """1.234.567,5 as Vietnamese readers write it."""
    return _grouped(number).replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _en(number: Decimal) -> str:
    return _grouped(number)


def _grouped(number: Decimal) -> str:
    plain = _plain(number)
    digits = len(plain.split(".")[1]) if "." in plain else 0
    return f"{number:,.{digits}f}"
