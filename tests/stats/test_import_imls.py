"""The IMLS Public Libraries Survey loaded through the import paths users have (registry
import, load_form, open_round, the statistics import), its tables checked against DuckDB
reading the raw CSV files on its own: totals by state and nationally, and the libraries
reporting, unknown, not applicable and suppressed."""

from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command

from thuvien.accounts.models import User
from thuvien.registry.models import Library, LibraryAlias
from thuvien.stats.importing.options import load_mapping
from thuvien.stats.importing.sources import MAPS
from thuvien.stats.models import CountedFigures, ReportingRound, Value
from thuvien.stats.models.aggregates import AggregateCell, Dimension
from thuvien.stats.services import aggregation
from thuvien.stats.services.imports import run_import

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[3] / "shared/data/stats/imls-pls"
FILES = {2018: "pls_fy2018_libraries.csv", 2017: "pls_fy2017_libraries.csv"}
CHECKED = ("VISITS", "TOTCIR", "BKVOL", "REGBOR", "TOTSTAFF", "POPU_LSA", "WIFISESS")
# IMLS codes (Data File Documentation, Appendix A): -1 missing, -3 closed, -4 not
# applicable, -9 suppressed. A row whose children's circulation exceeds its total
# circulation breaks the survey's own definition and is refused by the import.
DUCKDB_CELLS = """
    WITH raw AS (
        SELECT STABR AS state,
               TRY_CAST({element} AS DECIMAL(20, 4)) AS v,
               TRY_CAST(KIDCIRCL AS BIGINT) AS kid,
               TRY_CAST(TOTCIR AS BIGINT) AS tot
        FROM read_csv('{path}', all_varchar = true, header = true)
    ), kept AS (
        SELECT * FROM raw WHERE NOT (kid >= 0 AND tot >= 0 AND kid > tot)
    )
    SELECT COALESCE(state, 'US'),
           COALESCE(SUM(v) FILTER (WHERE v >= 0), 0),
           COUNT(*) FILTER (WHERE v >= 0),
           COUNT(*) FILTER (WHERE v = -1),
           COUNT(*) FILTER (WHERE v IN (-3, -4)),
           COUNT(*) FILTER (WHERE v = -9)
    FROM kept
    GROUP BY GROUPING SETS ((state), ())
"""


def duckdb_cells(year: int, element: str) -> dict[str, tuple]:
    sql = DUCKDB_CELLS.format(element=element, path=DATA / FILES[year])
    return {
        key: (D(total), reported, unknown, not_applicable, suppressed)
        for key, total, reported, unknown, not_applicable, suppressed in duckdb.sql(sql).fetchall()
    }


def our_cells(round_: ReportingRound, element: str) -> dict[str, tuple]:
    cells = AggregateCell.objects.filter(
        round=round_, element__code=element, dimension__in=[Dimension.NATION, Dimension.REGION]
    )
    return {c.key: (c.total, c.reported, c.unknown, c.not_applicable, c.suppressed) for c in cells}


def test_imls_fy2018_and_fy2017_tables_equal_duckdb_on_the_raw_files(ministry, capsys):
    call_command("stats_load_imls", str(DATA), "--years", "2018,2017", "--user", "bo", verbosity=0)
    out = capsys.readouterr().out
    assert "FY2018" in out and "lỗi / rejected 3" in out
    for year in FILES:
        round_ = ReportingRound.objects.get(form__code="imls-pls", period=f"FY{year}")
        for element in CHECKED:
            assert our_cells(round_, element) == duckdb_cells(year, element), (year, element)
    check_refused_rows()
    check_partner_libraries()
    check_incremental_tables_equal_a_rebuild()
    check_rerun_changes_nothing()


def check_refused_rows():
    sql = f"""
        SELECT FSCSKEY FROM read_csv('{DATA / FILES[2018]}', all_varchar = true)
        WHERE TRY_CAST(KIDCIRCL AS BIGINT) > TRY_CAST(TOTCIR AS BIGINT)
          AND TRY_CAST(TOTCIR AS BIGINT) >= 0
    """
    refused = {key for (key,) in duckdb.sql(sql).fetchall()}
    assert len(refused) == 3
    round_ = ReportingRound.objects.get(form__code="imls-pls", period="FY2018")
    imported = set(
        LibraryAlias.objects.filter(
            scheme="imls_fscs", library__stat_submissions__round=round_
        ).values_list("value", flat=True)
    )
    assert refused.isdisjoint(imported) and len(imported) == 9261 - 3


def check_partner_libraries():
    sql = " UNION ".join(
        f"SELECT FSCSKEY, STABR FROM read_csv('{DATA / name}', all_varchar = true)"
        for name in FILES.values()
    )
    states = dict(duckdb.sql(sql).fetchall())
    ours = dict(
        LibraryAlias.objects.filter(scheme="imls_fscs").values_list("value", "library__region")
    )
    assert ours == states
    partners = Library.objects.filter(aliases__scheme="imls_fscs")
    assert set(partners.values_list("country", "library_type", "level")) == {("US", "public", "")}


def check_incremental_tables_equal_a_rebuild():
    round_ = ReportingRound.objects.get(form__code="imls-pls", period="FY2017")
    before = {
        (c.element_id, c.dimension, c.key): (c.total, c.reported, c.unknown, c.suppressed)
        for c in round_.cells.all()
    }
    # the import packed every approved report's figures as it went (nothing to repack)
    counted = round_.submissions.filter(state="approved")
    assert CountedFigures.objects.filter(submission__in=counted).count() == counted.count()
    for from_values in (False, True):
        aggregation.rebuild(round_, from_values=from_values)
        after = {
            (c.element_id, c.dimension, c.key): (c.total, c.reported, c.unknown, c.suppressed)
            for c in round_.cells.all()
        }
        assert after == before


def check_rerun_changes_nothing():
    """The same file again, as after an interrupted load: nothing added, nothing lost."""
    round_ = ReportingRound.objects.get(form__code="imls-pls", period="FY2018")
    values, cells = Value.objects.count(), our_cells(round_, "VISITS")
    mapping = load_mapping(MAPS / "imls-pls.json")
    actor = User.objects.get(username="bo")
    job = run_import(actor, round_, DATA / FILES[2018], mapping, approve=True, show_progress=False)
    report = job.report
    assert (report["imported"], report["unchanged"], report["rejected"]) == (0, 9258, 3)
    assert Value.objects.count() == values and our_cells(round_, "VISITS") == cells
