"""Criteria sets as data (JSON): an evaluating body's indicators, weights and rating bands.

TT 05/2020/TT-BVHTTDL has no national point scale: each evaluating body chooses its
indicators from TCVN 11774:2016 (ISO 11620) and the TCVN 12843 items, so a set is a file,
checked here whole, every problem reported with its place. No Django.

A set names its ratings once (best first, each with points), e.g. Tốt 4, Khá 3, Trung bình 2,
Yếu 1. Each indicator has a formula (formulas.py), a direction ("higher" is better, or
"lower", e.g. cost per visit), a weight and bands: ``{"rating": "tot", "at_least": 0.3}``
for a higher-is-better indicator (``at_most`` for lower-is-better), the last band without a
threshold catching the rest. The overall bands apply to the weighted score the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from thuvien.evaluation.formulas import FormulaError
from thuvien.evaluation.formulas import parse as parse_formula
from thuvien.evaluation.specs import (
    CODE_RE,
    SLUG_RE,
    Reader,
    SpecError,
    place,
    read_json,
)

DIRECTIONS = ("higher", "lower")
BODY_KINDS = ("ministry", "province", "founding_body", "other")
PROVINCE_RE = re.compile(r"^\d{2}$")
FACTS = ("population",)  # facts beside the form's elements that formulas may use

__all__ = ["CriteriaSpec", "SpecError", "load_file", "parse"]


@dataclass(frozen=True)
class Rating:
    code: str
    label: str
    label_en: str
    points: Decimal


@dataclass(frozen=True)
class Band:
    rating: str
    threshold: Decimal | None  # None: the band that takes every other value


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    formula: str
    direction: str
    weight: Decimal
    bands: tuple[Band, ...]
    name_en: str = ""
    ref: str = ""
    unit: str = ""
    unit_en: str = ""
    decimals: int = 2
    applies_to: tuple[str, ...] = ()
    description: str = ""
    description_en: str = ""
    codes: tuple[str, ...] = ()  # the element codes and facts the formula reads


@dataclass(frozen=True)
class BodySpec:
    code: str
    name: str
    kind: str
    name_en: str = ""
    province: str = ""  # 2025 province code, for a province's department


@dataclass(frozen=True)
class CriteriaSpec:
    code: str
    name: str
    body: BodySpec
    form: str
    ratings: tuple[Rating, ...]
    overall: tuple[Band, ...]
    indicators: tuple[IndicatorSpec, ...]
    name_en: str = ""
    legal_basis: str = ""
    description: str = ""
    shared: bool = False
    library_types: tuple[str, ...] = ()
    min_weight_share: Decimal = Decimal("0.75")

    def codes(self) -> set[str]:
        return {code for indicator in self.indicators for code in indicator.codes}


def load_file(path: str | Path) -> CriteriaSpec:
    return parse(read_json(path))


def parse(data: Any) -> CriteriaSpec:
    """The set checked whole; SpecError lists every problem with its place."""
    reader = Reader()
    raw = reader.obj(data, "")
    if raw is None:
        reader.raise_if_any()
    ratings = _ratings(reader, raw)
    rating_codes = {r.code for r in ratings}
    overall_raw = raw.get("overall") if isinstance(raw.get("overall"), dict) else {}
    if not overall_raw:
        reader.add("overall", "cần mức xếp loại chung", "needs the overall bands")
    indicators = [
        _indicator(reader, item, f"indicators[{i}]", rating_codes)
        for i, item in enumerate(reader.items(raw, "indicators", ""))
    ]
    _unique(reader, [i.code for i in indicators if i], "indicators")
    spec = CriteriaSpec(
        code=reader.pattern(raw, "code", "", SLUG_RE),
        name=reader.text(raw, "name", "", required=True),
        name_en=reader.text(raw, "name_en", ""),
        legal_basis=reader.text(raw, "legal_basis", ""),
        description=reader.text(raw, "description", ""),
        body=_body(reader, raw.get("body")),
        shared=bool(raw.get("shared", False)),
        form=reader.pattern(raw, "form", "", SLUG_RE),
        library_types=reader.library_types(raw, "library_types", ""),
        ratings=ratings,
        overall=_bands(reader, overall_raw, "overall", "higher", rating_codes),
        min_weight_share=_share(reader, overall_raw),
        indicators=tuple(i for i in indicators if i),
    )
    reader.raise_if_any()
    return spec


def _ratings(reader: Reader, raw: dict) -> tuple[Rating, ...]:
    ratings = []
    items = reader.items(raw, "ratings", "")
    if items and len(items) < 2:
        reader.add("ratings", "cần ít nhất hai mức", "needs at least two ratings")
    for i, item in enumerate(items):
        where = f"ratings[{i}]"
        if reader.obj(item, where) is None:
            continue
        ratings.append(
            Rating(
                code=reader.pattern(item, "code", where, SLUG_RE),
                label=reader.text(item, "label", where, required=True),
                label_en=reader.text(item, "label_en", where),
                points=reader.number(item, "points", where, required=True) or Decimal(0),
            )
        )
    _unique(reader, [r.code for r in ratings], "ratings")
    points = [r.points for r in ratings]
    if points != sorted(points, reverse=True) or len(set(points)) != len(points):
        reader.add(
            "ratings",
            "các mức xếp từ tốt nhất, điểm giảm dần",
            "ratings go from the best, with points decreasing",
        )
    return tuple(ratings)


def _body(reader: Reader, raw: Any) -> BodySpec:
    body = reader.obj(raw, "body") or {}
    province = reader.text(body, "province", "body")
    if province and not PROVINCE_RE.match(province):
        reader.add("body.province", "mã tỉnh gồm 2 chữ số", "a province code has 2 digits")
    kind = reader.choice(body, "kind", "body", BODY_KINDS, "other")
    if kind == "province" and not province:
        reader.add("body.province", "Sở cần mã tỉnh", "a province department needs its province")
    return BodySpec(
        code=reader.pattern(body, "code", "body", SLUG_RE) if body else "",
        name=reader.text(body, "name", "body", required=True) if body else "",
        name_en=reader.text(body, "name_en", "body"),
        kind=kind,
        province=province,
    )


def _share(reader: Reader, raw: dict) -> Decimal:
    share = reader.number(raw, "min_weight_share", "overall")
    if share is None:
        return Decimal("0.75")
    if not 0 < share <= 1:
        reader.add("overall.min_weight_share", "cần từ 0 đến 1", "must be above 0 and at most 1")
    return share


def _indicator(reader: Reader, raw: Any, where: str, ratings: set[str]) -> IndicatorSpec | None:
    if reader.obj(raw, where) is None:
        return None
    direction = reader.choice(raw, "direction", where, DIRECTIONS, "higher")
    formula = reader.text(raw, "formula", where, required=True)
    codes: tuple[str, ...] = ()
    if formula:
        try:
            codes = parse_formula(formula).codes
        except FormulaError as exc:
            reader.problems.append(f"{where}.formula: {exc}")
    return IndicatorSpec(
        code=reader.pattern(raw, "code", where, CODE_RE),
        name=reader.text(raw, "name", where, required=True),
        name_en=reader.text(raw, "name_en", where),
        ref=reader.text(raw, "ref", where),
        formula=formula,
        codes=codes,
        direction=direction,
        weight=reader.number(raw, "weight", where, required=True, positive=True) or Decimal(0),
        bands=_bands(reader, raw, where, direction, ratings),
        unit=reader.text(raw, "unit", where),
        unit_en=reader.text(raw, "unit_en", where),
        decimals=reader.integer(raw, "decimals", where, 2, 0, 6),
        applies_to=reader.library_types(raw, "applies_to", where),
        description=reader.text(raw, "description", where),
        description_en=reader.text(raw, "description_en", where),
    )


def _bands(
    reader: Reader, raw: dict, where: str, direction: str, ratings: set[str]
) -> tuple[Band, ...]:
    """Bands from the best; every one but the last has a threshold, strictly worsening."""
    key = "at_least" if direction == "higher" else "at_most"
    wrong = "at_most" if direction == "higher" else "at_least"
    items = reader.items(raw, "bands", where)
    bands: list[Band] = []
    for i, item in enumerate(items):
        spot = place(where, f"bands[{i}]")
        if reader.obj(item, spot) is None:
            continue
        rating = item.get("rating")
        if rating not in ratings:
            reader.add(f"{spot}.rating", f"mức {rating!r} không có", f"no rating {rating!r}")
        if wrong in item:
            reader.add(
                f"{spot}.{wrong}",
                f"chỉ số theo hướng '{direction}' dùng '{key}'",
                f"a '{direction}' indicator uses '{key}'",
            )
        last = i == len(items) - 1
        threshold = None if last else reader.number(item, key, spot, required=True)
        if last and key in item:
            reader.add(
                f"{spot}.{key}",
                "mức cuối nhận mọi giá trị còn lại, không có ngưỡng",
                "the last band takes every other value and has no threshold",
            )
        bands.append(Band(rating=str(rating), threshold=threshold))
    _check_order(reader, bands, place(where, "bands"), direction)
    _unique(reader, [b.rating for b in bands], place(where, "bands"))
    return tuple(bands)


def _check_order(reader: Reader, bands: list[Band], where: str, direction: str) -> None:
    limits = [b.threshold for b in bands if b.threshold is not None]
    ordered = sorted(set(limits), reverse=direction == "higher")
    if limits != ordered:
        reader.add(
            where,
            "ngưỡng phải giảm dần (cao là tốt) hoặc tăng dần (thấp là tốt), không trùng",
            "thresholds must fall (higher is better) or rise (lower is better), no repeats",
        )


def _unique(reader: Reader, codes: list[str], where: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            reader.add(where, f"mã {code!r} bị trùng", f"code {code!r} is repeated")
        seen.add(code)
