"""The full rebuild from the packed figures of counted reports: packs follow every approval
and unlock, missing packs are repacked from the value rows, and figures too large to pack
are added up from their rows."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from tests.stats.test_workflow import GOOD, _cells, entries, report
from thuvien.accounts.models import Role
from thuvien.stats.models import CountedFigures
from thuvien.stats.services import aggregation, workflow
from thuvien.stats.validation import Entered

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_approved(round_2025, hanoi_library, danang_library, staff, officer):
    danang_staff = factories.user("dn", Role.LIBRARY_STAFF, library=danang_library)
    danang_officer = factories.user("so-dn", Role.PROVINCE_OFFICER, province=factories.danang())
    reports = []
    for user, reviewer, library, budget in (
        (staff, officer, hanoi_library, "2500.25"),
        (danang_staff, danang_officer, danang_library, "0.0001"),
    ):
        sub = report(round_2025, library)
        values = entries(GOOD)
        values["KP01"] = Entered(D(budget))
        values["SD03"] = Entered(status="not_applicable")
        workflow.save_values(user, sub, values)
        workflow.submit(user, sub)
        reports.append(workflow.approve(reviewer, sub))
    return reports


def test_approval_packs_the_figures_and_unlock_drops_them(two_approved, ministry):
    assert CountedFigures.objects.count() == 2
    workflow.unlock(ministry, two_approved[0], "sửa số liệu")
    assert list(CountedFigures.objects.values_list("submission_id", flat=True)) == [
        two_approved[1].pk
    ]


def test_missing_packs_are_repacked_from_the_rows(two_approved, round_2025):
    incremental = _cells(round_2025)
    CountedFigures.objects.all().delete()
    assert aggregation.rebuild(round_2025) == len(incremental)
    assert _cells(round_2025) == incremental
    assert CountedFigures.objects.count() == 2
    assert aggregation.national_totals(round_2025)[("KP01", "VN")].total == D("2500.2501")


def test_from_values_repacks_every_report(two_approved, round_2025):
    incremental = _cells(round_2025)
    CountedFigures.objects.update(figures=b"")  # a damaged copy: no figures at all
    aggregation.rebuild(round_2025, from_values=True)
    assert _cells(round_2025) == incremental


def test_a_figure_too_large_to_pack_is_added_from_its_rows(
    round_2025, hanoi_library, staff, officer
):
    sub = report(round_2025, hanoi_library)
    values = entries(GOOD)
    values["KP01"] = Entered(D("900000000000001"))
    workflow.save_values(staff, sub, values)
    workflow.submit(staff, sub)
    workflow.approve(officer, sub)
    assert CountedFigures.objects.get().wide
    incremental = _cells(round_2025)
    aggregation.rebuild(round_2025)
    assert _cells(round_2025) == incremental
    assert aggregation.national_totals(round_2025)[("KP01", "VN")].total == D("900000000000001")


def test_command_rebuilds_and_names_a_wrong_round(two_approved, round_2025):
    out = io.StringIO()
    call_command("stats_rebuild", "--round", str(round_2025.pk), "--from-values", stdout=out)
    assert "rebuilt:" in out.getvalue()
    with pytest.raises(CommandError, match="no such round"):
        call_command("stats_rebuild", "--round", "999999")
