"""Population figures for the per-capita indicators (books per inhabitant, visits per
inhabitant…), loaded from a CSV or XLSX table: one row per place and year, with its source.

A place is a province of the 2025 units (its code or its name, as people write it) or the
whole country. Good rows are written, bad rows are reported with their row and column and
nothing of them is kept; loading the same table again changes nothing. No figure is ever
guessed: a place and year without one shows no per-capita value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from thuvien.accounts.permissions import Action, require
from thuvien.geo.matching import find_units
from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.geo.selectors import new_province_of
from thuvien.kernel.audit.log import record_change
from thuvien.kernel.text.normalize import fold_for_search
from thuvien.registry.importing.readers import TableError, open_table
from thuvien.stats.freshness import tables_changed
from thuvien.stats.models import PopulationFigure
from thuvien.stats.models.aggregates import Dimension
from thuvien.stats.validation import parse_number

# The columns, by their folded headers (Vietnamese or English).
COLUMNS = {
    "place": ("tinh", "tinh thanh", "tinh thanh pho", "ma tinh", "dia ban", "province", "place"),
    "year": ("nam", "year"),
    "population": ("dan so", "so dan", "population"),
    "source": ("nguon", "nguon so lieu", "source"),
}
NATION = ("vn", "viet nam", "ca nuoc", "toan quoc", "nation", "vietnam")
FIRST_YEAR, LAST_YEAR = 1900, 2100
LARGEST = 1_000_000_000  # more people than any province or the country will have


class PopulationError(ValueError):
    """A table that cannot be loaded at all (its message is bilingual)."""


@dataclass
class PopulationReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, message


def load_populations(
    actor, path: Path, *, source: str = "", file_name: str = ""
) -> PopulationReport:
    """Load the table at ``path`` (``file_name``: as the user named it); ``source`` is used
    for rows without their own."""
    require(actor, Action.STATS_MANAGE_FORMS)
    try:
        table = open_table(Path(path))
        columns = _columns(table.columns)
        rows = list(table.rows)
    except TableError as exc:
        raise PopulationError(str(exc)) from exc
    report = PopulationReport()
    figures: dict[tuple[str, str, int], tuple[int, int, str]] = {}  # place → row, people, source
    places = _Places()
    for number, raw in rows:
        figure = _figure(number, raw, columns, places, source.strip(), report)
        if figure is None:
            continue
        key, people, origin = figure
        if key in figures:
            report.errors.append(
                (number, columns["place"], _both(
                    f"trùng với dòng {figures[key][0]} (cùng địa bàn, cùng năm)",
                    f"same place and year as row {figures[key][0]}",
                ))
            )  # fmt: skip
            continue
        figures[key] = (number, people, origin)
    _write(actor, figures, report, file_name or Path(path).name)
    return report


def _columns(headers: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for header in headers:
        for name, names in COLUMNS.items():
            if _folded(header) in names and name not in found:
                found[name] = header
    missing = [name for name in ("place", "year", "population") if name not in found]
    if missing:
        raise PopulationError(
            _both(
                "thiếu cột " + ", ".join(_HEADERS_VI[m] for m in missing)
                + " (cần: Tỉnh, Năm, Dân số; Nguồn không bắt buộc)",
                "missing column " + ", ".join(missing)
                + " (needed: province, year, population; source is optional)",
            )
        )  # fmt: skip
    return found


_HEADERS_VI = {"place": "Tỉnh", "year": "Năm", "population": "Dân số"}


def _folded(text: str) -> str:
    """Lower case, no diacritics, words apart: "Dân số" and "dan_so" are "dan so"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold_for_search(text)).split())


def _both(vi: str, en: str) -> str:
    return f"{vi} / {en}"


class _Places:
    """A province of the 2025 units by code or name, or the whole country."""

    def __init__(self) -> None:
        provinces = AdminUnit.objects.filter(scheme=Scheme.V2025, level=Level.PROVINCE)
        self.codes = set(provinces.values_list("code", flat=True))

    def key(self, text: str) -> tuple[str, str] | None:
        if _folded(text) in NATION:
            return Dimension.NATION, "VN"
        code = text.strip().zfill(2) if text.strip().isdigit() else ""
        if code in self.codes:
            return Dimension.PROVINCE, code
        units = find_units(text, scheme=Scheme.V2025, level=Level.PROVINCE)
        return (Dimension.PROVINCE, units[0].code) if len(units) == 1 else None

    def merged_into(self, text: str) -> AdminUnit | None:
        """The 2025 province that a province of before 1 July 2025 became part of."""
        old = find_units(text, scheme=Scheme.PRE2025, level=Level.PROVINCE)
        return new_province_of(old[0]) if len(old) == 1 else None


def _figure(number, raw, columns, places, default_source, report):
    """(place key, people, source) of one row, or None with its errors in the report."""
    errors = []
    place_text = raw.get(columns["place"], "").strip()
    place = places.key(place_text) if place_text else None
    if place is None:
        errors.append((columns["place"], _unknown_place(place_text, places)))
    year = _whole(raw.get(columns["year"], ""))
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        errors.append((columns["year"], _both(
            f"năm phải là số nguyên từ {FIRST_YEAR} đến {LAST_YEAR}",
            f"the year must be a whole number from {FIRST_YEAR} to {LAST_YEAR}",
        )))  # fmt: skip
    people = _whole(raw.get(columns["population"], ""))
    if people is None or not 0 < people <= LARGEST:
        errors.append((columns["population"], _both(
            "dân số phải là số nguyên dương (ví dụ 8.685.600)",
            "the population must be a positive whole number (e.g. 8,685,600 written 8.685.600)",
        )))  # fmt: skip
    origin = raw.get(columns.get("source", ""), "").strip() or default_source
    if not origin:
        errors.append((columns.get("source", "Nguồn"), _both(
            "thiếu nguồn số liệu (cột Nguồn, hoặc một nguồn chung cho cả tệp)",
            "no source (a Source column, or one source for the whole file)",
        )))  # fmt: skip
    report.errors.extend((number, column, message) for column, message in errors)
    if errors:
        return None
    return (*place, year), people, origin[:255]


def _unknown_place(text: str, places: _Places) -> str:
    merged = places.merged_into(text) if text else None
    if merged is not None:
        return _both(
            f"“{text}” là tỉnh trước 01/7/2025, nay thuộc {merged.name}: ghi số dân của tỉnh mới",
            f"“{text}” is a province of before 1 July 2025, now part of {merged.name}: give"
            " the population of the new province",
        )
    return _both(
        f"không nhận ra tỉnh/thành phố “{text}” (tên hoặc mã của 34 tỉnh từ 2025, hoặc “Cả nước”)",
        f"unknown province “{text}” (a 2025 province's name or code, or the country)",
    )


def _whole(text: str) -> int | None:
    try:
        value = parse_number(text)
    except ValueError:
        return None
    return int(value) if value == value.to_integral_value() else None


def _write(actor, figures: dict, report: PopulationReport, file_name: str) -> None:
    existing = {
        (f.dimension, f.key, f.year): f
        for f in PopulationFigure.objects.filter(
            year__in={year for _, _, year in figures},
            dimension__in=[Dimension.PROVINCE, Dimension.NATION],
        )
    }
    new, changed = [], []
    for (dimension, key, year), (_, people, origin) in figures.items():
        known = existing.get((dimension, key, year))
        if known is None:
            new.append(
                PopulationFigure(
                    dimension=dimension, key=key, year=year, population=people, source=origin
                )
            )
        elif (known.population, known.source) != (people, origin):
            known.population, known.source = people, origin
            changed.append(known)
    report.created, report.updated = len(new), len(changed)
    report.unchanged = len(figures) - len(new) - len(changed)
    if not new and not changed:
        return
    with transaction.atomic():  # in bulk: no signal per row, one stamp for the load
        PopulationFigure.objects.bulk_create(new)
        PopulationFigure.objects.bulk_update(changed, ["population", "source"])
        record_change(
            actor,
            "stats.load_populations",
            object_type="stats.populationfigure",
            object_repr=file_name[:255],
            after={"created": report.created, "updated": report.updated},
        )
        tables_changed()
