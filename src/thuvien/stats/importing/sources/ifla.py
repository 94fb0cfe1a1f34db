"""The IFLA Library Map of the World: each country's library sector is a reporting unit (a
partner "library" with the ISO 3166 alpha-3 code as its alias), each metric × library type a
data element, each year a round; values_long.csv is reshaped to one row per country and
year and imported, approved, through the statistics import."""

from __future__ import annotations

import csv
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from thuvien.registry.models import LibraryAlias
from thuvien.registry.services.indexing import indexing_suspended, schedule_index
from thuvien.registry.services.libraries import add_alias, create_library
from thuvien.stats.importing.options import load_mapping
from thuvien.stats.importing.sources import MAPS, SHARED_DATA, round_for, shipped_form
from thuvien.stats.services.imports import run_import

DEFAULT_DIR = SHARED_DATA / "ifla-lmw"
FORM = "ifla-lmw"
SCHEME = "iso3"
# Not a place: ISO 3166 leaves ZZ to users; here it marks a country's whole library sector,
# kept apart from real libraries in Vietnam and abroad (ADR 0013).
SECTOR_COUNTRY = "ZZ"
COUNTRY_COLUMN = "Quốc gia / country"
TYPE_CODES = {1: "NAT", 2: "ACA", 3: "PUB", 4: "COM", 5: "SCH", 6: "OTH"}
METRIC_CODES = {
    1: "LIBRARIES",
    2: "INTERNET",
    3: "STAFF",
    4: "VOLUNTEERS",
    5: "USERS",
    6: "VISITS",
    7: "LOANS_BOOKS",
    8: "LOANS_DOCS",
    9: "ELOANS_EBOOKS",
    10: "ELOANS_AUDIO",
    11: "ELOANS_DL",
}

Say = Callable[[str], None]


def element_code(metric_id: int, type_id: int) -> str:
    return f"{TYPE_CODES[type_id]}.{METRIC_CODES[metric_id]}"


def load_ifla(
    actor, directory: Path = DEFAULT_DIR, *, show_progress: bool = False, say: Say = lambda _: None
) -> dict[int, dict[str, Any]]:
    path = Path(directory) / "values_long.csv"
    if not path.is_file():
        raise FileNotFoundError(f"Không có tệp {path} / missing file {path}")
    observations = _observations(path)
    created = sector_units(actor, {o["iso3"]: o["country"] for o in observations})
    say(f"Đơn vị quốc gia mới / new country units: {created}")
    form = shipped_form(actor, FORM)
    mapping = load_mapping(MAPS / f"{FORM}.json")
    reports = {}
    with tempfile.TemporaryDirectory(prefix="ifla-") as folder:
        for year, rows in sorted(_by_year(observations).items()):
            table = _write_year(Path(folder) / f"ifla-lmw-{year}.csv", rows)
            round_ = round_for(
                actor, form, year, str(year), f"IFLA Library Map of the World {year}"
            )
            job = run_import(
                actor, round_, table, mapping, approve=True, show_progress=show_progress
            )
            if job.error:
                raise RuntimeError(job.error)
            reports[year] = {"round": round_.pk, "figures": job.report}
    return reports


def _observations(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if int(row["metric_id"]) in METRIC_CODES]


@transaction.atomic
def sector_units(actor, countries: dict[str, str]) -> int:
    """A partner unit for each country not yet known by its alpha-3 code, through the
    registry's services; returns how many were created."""
    known = set(LibraryAlias.objects.filter(scheme=SCHEME).values_list("value", flat=True))
    created = []
    with indexing_suspended():  # one index update for all of them, below
        for iso3, name in sorted(countries.items()):
            if iso3 not in known:
                created.append(_sector_unit(actor, iso3, name).pk)
    schedule_index(created)
    return len(created)


def _sector_unit(actor, iso3: str, name: str):
    data = {
        "name": f"Ngành thư viện {name} (IFLA)",
        "name_en": f"{name} library sector (IFLA Library Map of the World)",
        "library_type": "national",
        "country": SECTOR_COUNTRY,
        "region": iso3,
    }
    unit = create_library(actor, data, reason="IFLA Library Map of the World")
    add_alias(actor, unit, SCHEME, iso3)
    return unit


def _by_year(observations: list[dict[str, str]]) -> dict[int, dict[str, dict[str, str]]]:
    """{year: {iso3: {"country": name, element code: value as published}}}"""
    years: dict[int, dict[str, dict[str, str]]] = defaultdict(dict)
    for item in observations:
        row = years[int(item["year"])].setdefault(item["iso3"], {COUNTRY_COLUMN: item["country"]})
        row[element_code(int(item["metric_id"]), int(item["library_type_id"]))] = item["val"]
    return years


def _write_year(path: Path, rows: dict[str, dict[str, str]]) -> Path:
    codes = sorted({code for row in rows.values() for code in row} - {COUNTRY_COLUMN})
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ISO3", COUNTRY_COLUMN, *codes])
        for iso3, row in sorted(rows.items()):
            writer.writerow([iso3, row[COUNTRY_COLUMN], *(row.get(c, "") for c in codes)])
    return path
