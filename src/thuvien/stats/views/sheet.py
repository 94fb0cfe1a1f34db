"""The report form as the page shows it: the elements asked of this library, grouped as
TCVN 12843 groups them, each with its figure, last year's figure and its problems."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from thuvien.stats.definitions import NUMERIC, ElementSpec
from thuvien.stats.models import ElementGroup
from thuvien.stats.validation import Entered, Problem, visible
from thuvien.stats.views.labels import PART_KINDS, english

OF_WHICH_WORDS = {"of_which": ("trong đó", "of which"), "part": (), "": ()}


def vn_number(number: Decimal | None) -> str:
    """A number written the Vietnamese way: 1.234.567 and 12,5 (what people type back)."""
    if number is None:
        return ""
    text = format(number.normalize(), "f")
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    whole = ".".join([whole, *groups])
    return f"{sign}{whole},{fraction}" if fraction else f"{sign}{whole}"


@dataclass
class Row:
    element: ElementSpec
    pk: int
    depth: int
    entered: Entered
    shown: str  # what the input holds: the typed text when refused, else the stored figure
    last_year: str
    problems: list[Problem] = field(default_factory=list)
    input_error: str = ""

    @property
    def label(self) -> str:
        return (self.element.label_en if english() else "") or self.element.label

    @property
    def unit(self) -> str:
        return (self.element.unit_en if english() else "") or self.element.unit

    @property
    def help(self) -> str:
        return (self.element.help_text_en if english() else "") or self.element.help_text

    @property
    def kind(self) -> str:
        """ "(thành phần)" or "(trong đó)"; not repeated after a label that already says
        "Trong đó: …", as the form's own labels usually do."""
        if self.label.lower().startswith(OF_WHICH_WORDS[self.element.part_kind]):
            return ""
        return PART_KINDS.get(self.element.part_kind, "")

    @property
    def numeric(self) -> bool:
        return self.element.value_type in NUMERIC

    @property
    def level(self) -> str:
        """The worst problem: error, warning (needs a note), explained, or ""."""
        if self.input_error or any(p.level == "error" for p in self.problems):
            return "error"
        if any(p.level == "warning" and not p.explained for p in self.problems):
            return "warning"
        return "explained" if self.problems else ""

    @property
    def choices(self) -> list[tuple[str, str]]:
        key = "label_en" if english() else "label"
        return [(c["value"], c.get(key) or c["label"]) for c in self.element.choices]

    @property
    def chosen(self) -> set[str]:
        return set(self.shown.split("|")) if self.shown else set()

    @property
    def shown_label(self) -> str:
        """What a read-only page shows: the labels of the choices made, not their codes."""
        if self.element.value_type not in ("choice", "multi_choice"):
            return self.shown
        labels = dict(self.choices)
        return ", ".join(labels.get(value, value) for value in self.shown.split("|") if value)


@dataclass
class Group:
    code: str
    label: str
    rows: list[Row]


def _depths(elements) -> dict[str, int]:
    depth: dict[str, int] = {}
    for element in elements:  # parents come before their children
        depth[element.code] = depth.get(element.parent, -1) + 1 if element.parent else 0
    return depth


def _shown(element: ElementSpec, entered: Entered) -> str:
    if element.value_type in NUMERIC or element.value_type == "boolean":
        return vn_number(entered.number)
    return entered.text


def build_rows(
    elements,
    pks: dict[str, int],
    values: dict[str, Entered],
    library_type: str,
    last_year: dict[str, Decimal],
    problems: list[Problem],
    typed: dict | None = None,
) -> list[Row]:
    """The rows asked of this library; ``typed`` holds figures refused as typed (kept to be
    shown back with their message)."""
    typed = typed or {}
    by_code: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_code[problem.code].append(problem)
    depth = _depths(elements)
    rows = []
    for element in elements:
        if element.value_type == "file" or not visible(element, values, library_type):
            continue
        entered = values.get(element.code, Entered())
        refused = typed.get(element.code)
        rows.append(
            Row(
                element=element,
                pk=pks[element.code],
                depth=min(depth[element.code], 3),
                entered=entered,
                shown=refused.raw if refused else _shown(element, entered),
                last_year=vn_number(last_year.get(element.code)),
                problems=by_code.get(element.code, []),
                input_error=refused.error if refused else "",
            )
        )
    return rows


def grouped(rows: list[Row]) -> list[Group]:
    """Rows by element group (a survey's questions by their section), in the order the
    form first uses each."""
    labels = dict(ElementGroup.choices)
    groups: dict[str, Group] = {}
    for row in rows:
        code = row.element.group or row.element.section
        if code not in groups:
            groups[code] = Group(code, labels.get(code, row.element.section), [])
        groups[code].rows.append(row)
    return list(groups.values())


def family(elements, code: str) -> set[str]:
    """The elements whose problems may change with this one: its total, the total's other
    parts, and its own parts (sums and "of which" checks stay within a family)."""
    by_code = {e.code: e for e in elements}
    element = by_code[code]
    related = {code}
    if element.parent:
        related.add(element.parent)
        related |= {e.code for e in elements if e.parent == element.parent}
    related |= {e.code for e in elements if e.parent == code}
    return related


def conditions_on(elements, code: str) -> bool:
    """Whether another element is asked or not depending on this one's answer."""
    return any(e.condition and e.condition["element"] == code for e in elements)
