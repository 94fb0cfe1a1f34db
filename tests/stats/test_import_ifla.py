"""The IFLA Library Map of the World loaded through the statistics import (one reporting unit
per country, a round per year): Viet Nam's published figures, and every world total and
count of the tables equal to DuckDB on values_long.csv."""

from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command

from thuvien.registry.models import Library
from thuvien.stats.models import ReportingRound, Submission
from thuvien.stats.models.aggregates import AggregateCell, Dimension
from thuvien.stats.services.aggregation import totals_by_key

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[3] / "shared/data/stats/ifla-lmw"
TYPES = ("NAT", "ACA", "PUB", "COM", "SCH", "OTH")  # library_types.csv ids 1-6
METRICS = (  # metrics.csv ids 1-11
    "LIBRARIES",
    "INTERNET",
    "STAFF",
    "VOLUNTEERS",
    "USERS",
    "VISITS",
    "LOANS_BOOKS",
    "LOANS_DOCS",
    "ELOANS_EBOOKS",
    "ELOANS_AUDIO",
    "ELOANS_DL",
)
WORLD = f"""
    SELECT CAST(year AS INTEGER), CAST(metric_id AS INTEGER), CAST(library_type_id AS INTEGER),
           COALESCE(SUM(v) FILTER (WHERE v >= 0), 0),
           COUNT(*) FILTER (WHERE v >= 0),
           COUNT(*) FILTER (WHERE v = -1)
    FROM (SELECT *, TRY_CAST(val AS DECIMAL(20, 4)) AS v
          FROM read_csv('{DATA / "values_long.csv"}', all_varchar = true))
    GROUP BY ALL
"""


def code(metric: int, library_type: int) -> str:
    return f"{TYPES[library_type - 1]}.{METRICS[metric - 1]}"


def test_ifla_figures_and_world_totals_equal_duckdb(ministry, capsys):
    call_command("stats_load_ifla", str(DATA), "--user", "bo", verbosity=0)
    assert "2017: đợt / round" in capsys.readouterr().out
    round_2017 = ReportingRound.objects.get(form__code="ifla-lmw", period="2017")
    published = {  # the Viet Nam row of the README (IFLA LMW, 2017)
        "PUB.LIBRARIES": 18097,
        "PUB.USERS": 454040,
        "PUB.VISITS": 18915625,
        "PUB.LOANS_BOOKS": 57647404,
        "NAT.LIBRARIES": 1,
        "NAT.STAFF": 176,
        "NAT.USERS": 13070,
        "NAT.VISITS": 2523677,
        "ACA.LIBRARIES": 748,
        "SCH.LIBRARIES": 28951,
    }
    for element, figure in published.items():
        assert totals_by_key(round_2017, element, Dimension.REGION)["VNM"] == figure, element
    expected = {
        (year, code(metric, kind)): (D(total), reported, unknown)
        for year, metric, kind, total, reported, unknown in duckdb.sql(WORLD).fetchall()
    }
    cells = AggregateCell.objects.filter(
        round__form__code="ifla-lmw", dimension=Dimension.NATION, key="ZZ"
    ).select_related("round", "element")
    ours = {(c.round.year, c.element.code): (c.total, c.reported, c.unknown) for c in cells}
    assert ours == expected
    assert sum(unknown for _, _, unknown in ours.values()) == 848  # val -1, "no data"


def test_countries_are_sector_units_apart_from_real_libraries(ministry):
    call_command("stats_load_ifla", str(DATA), "--user", "bo", verbosity=0)
    units = Library.objects.filter(aliases__scheme="iso3")
    sql = f"SELECT DISTINCT iso3 FROM read_csv('{DATA / 'values_long.csv'}', all_varchar = true)"
    iso3 = {row[0] for row in duckdb.sql(sql).fetchall()}
    assert set(units.values_list("aliases__value", flat=True)) == iso3
    assert set(units.values_list("country", flat=True)) == {"ZZ"}
    assert not Library.objects.in_vietnam().filter(aliases__scheme="iso3").exists()
    viet_nam = units.get(aliases__value="VNM")
    assert viet_nam.region == "VNM" and "Viet Nam" in viet_nam.name
    states = set(Submission.objects.filter(library=viet_nam).values_list("state", flat=True))
    assert states == {"approved"}
    # loading again changes nothing: no new unit, no new report
    reports = Submission.objects.count()
    call_command("stats_load_ifla", str(DATA), "--user", "bo", verbosity=0)
    assert (units.count(), Submission.objects.count()) == (len(iso3), reports)
