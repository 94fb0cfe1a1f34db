"""Write side of the geo app: loading the shipped unit lists, and the public lookups.

``load_units`` is idempotent: units are matched on (scheme, level, code) and updated in place,
successions on (old, new); nothing is duplicated and units referenced elsewhere are never
deleted. Lookups live in ``matching`` and are re-exported here for callers.
"""

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, F

from thuvien.geo.matching import (
    Resolution,
    ResolutionStatus,
    UnknownProvince,
    find_units,
    resolve_old_unit,
    units_named,
)
from thuvien.geo.models import AdminUnit, Level, Scheme, UnitSuccession
from thuvien.geo.naming import english_name, name_key
from thuvien.kernel.text import fold_for_search

__all__ = [
    "DATA_FILE",
    "GeoDataError",
    "LoadReport",
    "Resolution",
    "ResolutionStatus",
    "UnknownProvince",
    "find_units",
    "load_units",
    "resolve_old_unit",
    "units_named",
]

DATA_FILE = Path(__file__).parent / "data" / "units.json.gz"
BATCH = 500
UNIT_FIELDS = [
    "name",
    "unit_type",
    "english_name",
    "name_folded",
    "name_key",
    "parent_id",
    "province_id",
    "latitude",
    "longitude",
]


class GeoDataError(RuntimeError):
    """The shipped data file is missing or unreadable."""


@dataclass
class LoadReport:
    """What a load did, and the totals afterwards, keyed "<scheme> <level>"."""

    created: int = 0
    updated: int = 0
    successions_created: int = 0
    successions_updated: int = 0
    successions_removed: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    succession_counts: dict[str, int] = field(default_factory=dict)

    def count(self, scheme: str, level: str) -> int:
        return self.counts.get(f"{scheme} {level}", 0)


@dataclass(frozen=True)
class _Row:
    code: str
    name: str
    unit_type: str
    parent_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


def read_data(path: Path = DATA_FILE) -> dict[str, Any]:
    try:
        return json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, ValueError) as error:
        raise GeoDataError(
            f"Không đọc được dữ liệu đơn vị hành chính {path}: {error}. "
            f"/ Cannot read the administrative-unit data {path}: {error}."
        ) from error


def _levels(data: dict[str, Any]) -> Iterator[tuple[str, str, str | None, list[_Row]]]:
    """(scheme, level, parent level, rows), parents before children."""
    new, old = data[Scheme.V2025], data[Scheme.PRE2025]
    yield (
        Scheme.V2025,
        Level.PROVINCE,
        None,
        [_Row(c, n, t, None, la, lo) for c, n, t, la, lo in new["provinces"]],
    )
    yield Scheme.V2025, Level.COMMUNE, Level.PROVINCE, [_Row(*row) for row in new["communes"]]
    yield Scheme.PRE2025, Level.PROVINCE, None, [_Row(*row) for row in old["provinces"]]
    yield Scheme.PRE2025, Level.DISTRICT, Level.PROVINCE, [_Row(*row) for row in old["districts"]]
    yield Scheme.PRE2025, Level.COMMUNE, Level.DISTRICT, [_Row(*row) for row in old["communes"]]


def _wanted(row: _Row, parent: AdminUnit | None) -> dict[str, Any]:
    province_id = None
    if parent is not None:
        province_id = parent.id if parent.level == Level.PROVINCE else parent.province_id
    return {
        "name": row.name,
        "unit_type": row.unit_type,
        "english_name": english_name(row.name, row.unit_type),
        "name_folded": fold_for_search(row.name),
        "name_key": name_key(row.name),
        "parent_id": parent.id if parent else None,
        "province_id": province_id,
        "latitude": row.latitude,
        "longitude": row.longitude,
    }


def _sync_level(
    scheme: str, level: str, parent_level: str | None, rows: list[_Row], report: LoadReport
) -> None:
    existing = {u.code: u for u in AdminUnit.objects.filter(scheme=scheme, level=level)}
    parents = (
        {u.code: u for u in AdminUnit.objects.filter(scheme=scheme, level=parent_level)}
        if parent_level
        else {}
    )
    to_create, to_update = [], []
    for row in rows:
        values = _wanted(row, parents.get(row.parent_code or ""))
        unit = existing.get(row.code)
        if unit is None:
            to_create.append(AdminUnit(scheme=scheme, level=level, code=row.code, **values))
            continue
        if level == Level.PROVINCE:
            values["province_id"] = unit.id  # a province is its own province
        if any(getattr(unit, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(unit, name, value)
            to_update.append(unit)
    AdminUnit.objects.bulk_create(to_create, batch_size=BATCH)
    AdminUnit.objects.bulk_update(to_update, UNIT_FIELDS, batch_size=BATCH)
    report.created += len(to_create)
    report.updated += len(to_update)


def _code_ids(scheme: str, level: str) -> dict[str, int]:
    return dict(AdminUnit.objects.filter(scheme=scheme, level=level).values_list("code", "id"))


def _wanted_successions(data: dict[str, Any]) -> dict[tuple[int, int], bool]:
    old_communes = _code_ids(Scheme.PRE2025, Level.COMMUNE)
    new_communes = _code_ids(Scheme.V2025, Level.COMMUNE)
    old_provinces = _code_ids(Scheme.PRE2025, Level.PROVINCE)
    new_provinces = _code_ids(Scheme.V2025, Level.PROVINCE)
    wanted: dict[tuple[int, int], bool] = {}
    for old, whole, news in data["successions"]["commune"]:
        for new in news:
            wanted[old_communes[old], new_communes[new]] = bool(whole)
    for old, new in data["successions"]["province"]:
        wanted[old_provinces[old], new_provinces[new]] = True
    return wanted


def _sync_successions(data: dict[str, Any], report: LoadReport) -> None:
    wanted = _wanted_successions(data)
    existing = {
        (old, new): (pk, whole)
        for pk, old, new, whole in UnitSuccession.objects.values_list(
            "id", "old_id", "new_id", "whole"
        )
    }
    stale = [pk for pair, (pk, _) in existing.items() if pair not in wanted]
    changed = [
        UnitSuccession(id=existing[pair][0], old_id=pair[0], new_id=pair[1], whole=whole)
        for pair, whole in wanted.items()
        if pair in existing and existing[pair][1] != whole
    ]
    missing = [
        UnitSuccession(old_id=old, new_id=new, whole=whole)
        for (old, new), whole in wanted.items()
        if (old, new) not in existing
    ]
    UnitSuccession.objects.filter(id__in=stale).delete()
    UnitSuccession.objects.bulk_update(changed, ["whole"], batch_size=BATCH)
    UnitSuccession.objects.bulk_create(missing, batch_size=BATCH)
    report.successions_removed += len(stale)
    report.successions_updated += len(changed)
    report.successions_created += len(missing)


def _totals(report: LoadReport) -> None:
    rows = AdminUnit.objects.values("scheme", "level").annotate(n=Count("id"))
    report.counts = {f"{row['scheme']} {row['level']}": row["n"] for row in rows}
    by_old_level = UnitSuccession.objects.values("old__level").annotate(
        pairs=Count("id"), olds=Count("old_id", distinct=True)
    )
    for row in by_old_level:
        report.succession_counts[f"{row['old__level']} pairs"] = row["pairs"]
        report.succession_counts[f"{row['old__level']} old units"] = row["olds"]
    split = (
        UnitSuccession.objects.filter(old__level=Level.COMMUNE)
        .values("old_id")
        .annotate(n=Count("new_id"))
        .filter(n__gt=1)
    )
    report.succession_counts["commune split"] = split.count()


@transaction.atomic
def load_units(path: Path = DATA_FILE) -> LoadReport:
    """Create or update every unit of both schemes and the old -> new successions."""
    data = read_data(path)
    report = LoadReport()
    for scheme, level, parent_level, rows in _levels(data):
        _sync_level(scheme, level, parent_level, rows, report)
    # New provinces only learn their own id once created.
    AdminUnit.objects.filter(level=Level.PROVINCE).update(province_id=F("id"))
    _sync_successions(data, report)
    _totals(report)
    return report
