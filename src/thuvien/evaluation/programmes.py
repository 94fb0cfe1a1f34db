"""Programme KPIs as data (JSON): a programme's indicators with their targets. No Django.

Two kinds of KPI, both over the libraries a KPI concerns (by type, level, key status):

- ``ratio``: a formula over the sums of the figures of the counted libraries, e.g. the share
  of rare documents digitised ``VT05.2 / VT01.5 * 100``. Only libraries that reported every
  input are summed, into the numerator and the denominator alike.
- ``share``: the percentage of the counted libraries whose own formula value is at least
  ``meets_at_least``, e.g. libraries with a website (``CS04`` >= 1).

A library without a counted report is never a zero: it is listed as not reported, and the
response rate is shown beside the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from thuvien.evaluation.formulas import FormulaError
from thuvien.evaluation.formulas import parse as parse_formula
from thuvien.evaluation.specs import LEVELS, SLUG_RE, Reader, SpecError, read_json

KINDS = ("ratio", "share")

__all__ = ["KpiSpec", "ProgrammeSpec", "SpecError", "load_file", "parse"]


@dataclass(frozen=True)
class KpiSpec:
    code: str
    name: str
    kind: str
    formula: str
    target: Decimal
    target_year: int
    name_en: str = ""
    unit: str = "%"
    meets_at_least: Decimal | None = None
    library_types: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    key_libraries: bool | None = None  # True: only key libraries; False: all but them
    note: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    name: str
    form: str
    kpis: tuple[KpiSpec, ...]
    name_en: str = ""
    legal_basis: str = ""


def load_file(path: str | Path) -> ProgrammeSpec:
    return parse(read_json(path))


def parse(data: Any) -> ProgrammeSpec:
    reader = Reader()
    raw = reader.obj(data, "")
    if raw is None:
        reader.raise_if_any()
    kpis = [
        _kpi(reader, item, f"kpis[{i}]") for i, item in enumerate(reader.items(raw, "kpis", ""))
    ]
    codes = [k.code for k in kpis if k]
    for code in {c for c in codes if codes.count(c) > 1}:
        reader.add("kpis", f"mã {code!r} bị trùng", f"code {code!r} is repeated")
    spec = ProgrammeSpec(
        code=reader.pattern(raw, "code", "", SLUG_RE),
        name=reader.text(raw, "name", "", required=True),
        name_en=reader.text(raw, "name_en", ""),
        legal_basis=reader.text(raw, "legal_basis", ""),
        form=reader.pattern(raw, "form", "", SLUG_RE),
        kpis=tuple(k for k in kpis if k),
    )
    reader.raise_if_any()
    return spec


def _kpi(reader: Reader, raw: Any, where: str) -> KpiSpec | None:
    if reader.obj(raw, where) is None:
        return None
    kind = reader.choice(raw, "kind", where, KINDS, "ratio")
    formula = reader.text(raw, "formula", where, required=True)
    if formula:
        try:
            parse_formula(formula)
        except FormulaError as exc:
            reader.problems.append(f"{where}.formula: {exc}")
    meets = reader.number(raw, "meets_at_least", where, required=kind == "share")
    levels = raw.get("levels", [])
    if not isinstance(levels, list) or any(v not in LEVELS for v in levels):
        reader.add(f"{where}.levels", "cấp không hợp lệ", f"levels must be among {LEVELS}")
        levels = []
    key = raw.get("key_libraries")
    if key not in (None, True, False):
        reader.add(f"{where}.key_libraries", "cần true, false hoặc null", "must be a boolean")
        key = None
    return KpiSpec(
        code=reader.pattern(raw, "code", where, SLUG_RE),
        name=reader.text(raw, "name", where, required=True),
        name_en=reader.text(raw, "name_en", where),
        kind=kind,
        formula=formula,
        target=reader.number(raw, "target", where, required=True) or Decimal(0),
        target_year=reader.integer(raw, "target_year", where, 2025, 2000, 2100),
        unit=reader.text(raw, "unit", where) or "%",
        meets_at_least=meets,
        library_types=reader.library_types(raw, "library_types", where),
        levels=tuple(levels),
        key_libraries=key,
        note=reader.text(raw, "note", where),
        note_en=reader.text(raw, "note_en", where),
    )
