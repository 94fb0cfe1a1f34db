"""A report from draft to certified: permissions by role and scope, the trail and the audit
log, and the national tables following every approval and unlock."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from tests import factories
from thuvien.accounts.models import Role
from thuvien.kernel.audit.models import AuditEntry
from thuvien.stats.models import Submission
from thuvien.stats.models.aggregates import Dimension
from thuvien.stats.services import aggregation, workflow
from thuvien.stats.services.rounds import RoundError, open_round
from thuvien.stats.validation import Entered

pytestmark = pytest.mark.django_db

GOOD = {
    "TV01": "3",
    "VT01": "1000",
    "VT01.1": "900",
    "VT01.2": "50",
    "VT01.3": "30",
    "VT01.4": "20",
    "SD01": "400",
    "SD02": "12000",
    "SD04": "9000",
    "SD04.1": "6000",
    "SD04.2": "3000",
    "NL01": "12",
}


def entries(values: dict[str, str]) -> dict[str, Entered]:
    return {code: Entered(D(v)) for code, v in values.items()}


def report(round_, library) -> Submission:
    return Submission.objects.get(round=round_, library=library)


def test_opening_a_round_creates_a_report_per_expected_library(round_2025, ministry, annual_form):
    assert round_2025.submissions.count() == 2
    assert set(round_2025.submissions.values_list("state", flat=True)) == {"not_started"}
    with pytest.raises(RoundError, match="2025"):
        open_round(ministry, annual_form, 2025)


def test_fill_submit_return_fix_approve_certify(
    round_2025, hanoi_library, staff, officer, ministry
):
    sub = report(round_2025, hanoi_library)
    problems = workflow.save_values(staff, sub, entries({**GOOD, "VT01.4": "25"}))
    assert [p.code for p in problems] == ["VT01"]
    sub.refresh_from_db()
    assert sub.state == "draft"
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.submit(staff, sub)
    assert [p.code for p in caught.value.problems] == ["VT01"]
    workflow.save_values(staff, sub, entries({"VT01.4": "20"}))
    workflow.submit(staff, sub)
    with pytest.raises(workflow.WorkflowError, match="unlocked"):
        workflow.save_values(staff, sub, entries({"SD02": "1"}))
    with pytest.raises(workflow.WorkflowError, match="comment"):
        workflow.return_report(officer, sub, "  ")
    workflow.return_report(officer, sub, "Kiểm tra lại lượt bạn đọc")
    workflow.save_values(staff, sub, entries({"SD02": "12500"}))
    workflow.submit(staff, sub)
    workflow.approve(officer, sub)
    totals = aggregation.national_totals(round_2025)
    assert totals[("SD02", "VN")].total == D(12500) and totals[("SD02", "VN")].reported == 1
    province = aggregation.totals_by_key(round_2025, "VT01", Dimension.PROVINCE)
    assert province == {"01": D(1000)}
    workflow.certify(ministry, sub)
    sub.refresh_from_db()
    assert sub.state == "certified" and sub.certified_at
    actions = list(sub.events.values_list("action", flat=True))
    assert actions == ["start", "submit", "return", "submit", "approve", "certify"]
    audited = AuditEntry.objects.filter(object_type="stats.submission", object_id=str(sub.pk))
    steps = audited.exclude(action="stats.save_values")
    assert steps.count() == 6
    saved = audited.filter(action="stats.save_values").order_by("pk")
    assert saved.count() == 3
    assert saved.last().before == {"SD02": "12000"} and saved.last().after == {"SD02": "12500"}
    assert audited.get(action="stats.return").note == "Kiểm tra lại lượt bạn đọc"


def test_unlock_takes_the_report_out_of_the_tables_until_approved_again(
    round_2025, hanoi_library, staff, officer, ministry
):
    sub = report(round_2025, hanoi_library)
    workflow.save_values(staff, sub, entries(GOOD))
    workflow.submit(staff, sub)
    workflow.approve(officer, sub)
    assert aggregation.national_totals(round_2025)[("SD02", "VN")].total == D(12000)
    with pytest.raises(workflow.WorkflowError, match="reason"):
        workflow.unlock(officer, sub, "")
    workflow.unlock(officer, sub, "Sai số lượt mượn")
    assert aggregation.national_totals(round_2025)[("SD02", "VN")].total == D(0)
    workflow.save_values(staff, sub, entries({"SD02": "11000"}))
    workflow.submit(staff, sub)
    workflow.approve(officer, sub)
    assert aggregation.national_totals(round_2025)[("SD02", "VN")].total == D(11000)
    workflow.certify(ministry, sub)
    with pytest.raises(PermissionDenied):  # after certification only the ministry unlocks
        workflow.unlock(officer, sub, "muộn")
    workflow.unlock(ministry, sub, "Bộ yêu cầu sửa")
    assert aggregation.national_totals(round_2025)[("SD02", "VN")].total == D(0)


def test_incremental_tables_equal_a_rebuild_from_raw_values(
    round_2025, hanoi_library, danang_library, staff, officer, ministry
):
    danang_staff = factories.user("dn", Role.LIBRARY_STAFF, library=danang_library)
    danang_officer = factories.user("so-dn", Role.PROVINCE_OFFICER, province=factories.danang())
    for user, reviewer, library, visits in (
        (staff, officer, hanoi_library, "12000"),
        (danang_staff, danang_officer, danang_library, "7000"),
    ):
        sub = report(round_2025, library)
        values = entries({**GOOD, "SD02": visits})
        values["SD03"] = Entered(status="unknown")
        values["KP01"] = Entered(D("1500.5"), status="estimated", estimate_method="dự toán")
        workflow.save_values(user, sub, values)
        workflow.submit(user, sub)
        workflow.approve(reviewer, sub)
    incremental = _cells(round_2025)
    assert aggregation.rebuild(round_2025) == len(incremental)
    assert _cells(round_2025) == incremental
    nation = aggregation.national_totals(round_2025)
    assert nation[("SD02", "VN")].total == D(19000)
    assert nation[("SD03", "VN")].unknown == 2 and nation[("SD03", "VN")].reported == 0
    assert nation[("KP01", "VN")].estimated == 2 and nation[("KP01", "VN")].total == D("3001")
    assert aggregation.response(round_2025)["counted"] == 2


def _cells(round_):
    return {
        (c.element.code, c.dimension, c.key): (
            c.total,
            c.reported,
            c.estimated,
            c.not_applicable,
            c.unknown,
            c.suppressed,
        )
        for c in round_.cells.select_related("element")
    }


def test_scope_other_libraries_and_provinces_are_refused(
    round_2025, danang_library, hanoi_library, staff, officer, ministry
):
    other = report(round_2025, danang_library)
    with pytest.raises(PermissionDenied):
        workflow.save_values(staff, other, entries(GOOD))
    danang_staff = factories.user("dn", Role.LIBRARY_STAFF, library=danang_library)
    workflow.save_values(danang_staff, other, entries(GOOD))
    workflow.submit(danang_staff, other)
    with pytest.raises(PermissionDenied):
        workflow.approve(officer, other)  # Hà Nội's office, Đà Nẵng's library
    with pytest.raises(PermissionDenied):
        workflow.approve(danang_staff, other)  # a library does not approve itself
    reader = factories.user("ban-doc", Role.READER)
    with pytest.raises(PermissionDenied):
        workflow.save_values(reader, report(round_2025, hanoi_library), entries(GOOD))
    workflow.approve(ministry, other)  # the ministry reviews anywhere


def test_late_submission_is_marked(round_2025, hanoi_library, staff):
    import datetime

    round_2025.deadline = datetime.date(2020, 1, 1)
    round_2025.save()
    sub = report(round_2025, hanoi_library)
    workflow.save_values(staff, sub, entries(GOOD))
    sub = workflow.submit(staff, sub)
    assert sub.late


def test_unknown_elements_are_refused_and_nothing_is_stored(round_2025, hanoi_library, staff):
    sub = report(round_2025, hanoi_library)
    with pytest.raises(workflow.WorkflowError, match="XX9"):
        workflow.save_values(staff, sub, {**entries(GOOD), "XX9": Entered(D(1))})
    assert sub.values.count() == 0


def test_numbers_too_large_to_store_are_refused_with_a_message(round_2025, hanoi_library, staff):
    sub = report(round_2025, hanoi_library)
    for huge in ("1e30", "0.00001"):
        with pytest.raises(workflow.WorkflowError, match="SD02"):
            workflow.save_values(staff, sub, {"SD02": Entered(D(huge))})
    assert sub.values.count() == 0
