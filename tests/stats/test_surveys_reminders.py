"""Surveys (the shipped digital-readiness survey: conditions, choices, results) and the
deadline reminders (days before the deadline, after it, once a day, by mail)."""

import datetime
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tests import factories
from tests.stats.conftest import SHIPPED
from thuvien.accounts.models import Role
from thuvien.stats.definitions import load_file
from thuvien.stats.models import Submission
from thuvien.stats.services import reminders, surveys, workflow
from thuvien.stats.services.forms import load_form
from thuvien.stats.services.rounds import open_round
from thuvien.stats.validation import Entered

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(ministry, hanoi_library, danang_library):
    form, _ = load_form(ministry, load_file(SHIPPED / "khao-sat-san-sang-chuyen-doi-so.json"))
    return open_round(ministry, form, 2026, period="2026-dot-1", library_types=["public"])


def answers(**given) -> dict[str, Entered]:
    out = {}
    for code, value in given.items():
        if isinstance(value, str):
            out[code] = Entered(text=value)
        else:
            out[code] = Entered(D(value))
    return out


BASE = dict(A1=10, A3="50-100", A6="manual", B6=1, C1=8, D1=0)


def test_conditional_question_and_results(survey, hanoi_library, danang_library, staff):
    other_staff = factories.user("dn", Role.LIBRARY_STAFF, library=danang_library)
    first = Submission.objects.get(round=survey, library=hanoi_library)
    problems = workflow.save_values(
        staff, first, answers(**BASE, B1="other", B1a="Phần mềm tự viết", C4=4, D3="funds|staff")
    )
    assert problems == []
    workflow.submit(staff, first)
    second = Submission.objects.get(round=survey, library=danang_library)
    # B1a is asked only when B1 is "other": an answer to a hidden question is not checked
    workflow.save_values(other_staff, second, answers(**BASE, B1="koha", C4=2, D3="funds"))
    workflow.submit(other_staff, second)
    results = {r.element.code: r for r in surveys.survey_results(survey)}
    assert surveys.response_counts(survey) == {
        "targets": 2,
        "responded": 2,
        "in_progress": 0,
        "not_started": 0,
    }
    b1 = {value: n for value, _, n in results["B1"].counts}
    assert b1["other"] == 1 and b1["koha"] == 1 and b1["none"] == 0
    d3 = {value: n for value, _, n in results["D3"].counts}
    assert d3["funds"] == 2 and d3["staff"] == 1
    assert results["C4"].numbers["mean"] == D(3)
    assert results["A1"].numbers["sum"] == D(20)
    assert results["B1a"].texts == [("Thư viện Hà Nội", "Phần mềm tự viết")]
    assert dict((v, n) for v, _, n in results["B6"].counts) == {"1": 2, "0": 0}


def test_a_choice_not_offered_is_refused(survey, hanoi_library, staff):
    sub = Submission.objects.get(round=survey, library=hanoi_library)
    problems = workflow.save_values(staff, sub, answers(A3="1Gbps", C4=7))
    assert {p.code for p in problems} == {"A3", "C4"}
    assert all(" / " in p.message for p in problems)


def test_reminders_before_and_after_the_deadline_once_a_day(survey, hanoi_library, staff):
    staff.email = "thuthu@example.vn"
    staff.save()
    factories.user("so-dn", Role.PROVINCE_OFFICER, province=factories.danang())
    survey.deadline = datetime.date(2026, 12, 20)
    survey.reminder_days = [3]
    survey.save()
    assert reminders.send_reminders(datetime.date(2026, 12, 10)) == {"reminded": 0, "no_address": 0}
    assert reminders.send_reminders(datetime.date(2026, 12, 17)) == {"reminded": 1, "no_address": 1}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["thuthu@example.vn"]
    assert "Sắp đến hạn" in mail.outbox[0].subject and "20/12/2026" in mail.outbox[0].body
    assert reminders.send_reminders(datetime.date(2026, 12, 17))["reminded"] == 0
    counts = reminders.send_reminders(datetime.date(2026, 12, 21))
    assert counts["reminded"] == 1 and "Quá hạn" in mail.outbox[-1].subject
    sub = Submission.objects.get(round=survey, library=hanoi_library)
    workflow.save_values(staff, sub, answers(**BASE, B1="koha"))
    workflow.submit(staff, sub)
    assert reminders.send_reminders(datetime.date(2026, 12, 22))["reminded"] == 0
    assert reminders.next_reminder(survey, datetime.date(2026, 12, 1)) == datetime.date(
        2026, 12, 17
    )


def test_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("stats_send_reminders", "--date", "26/12/2026")


def test_results_page_by_scope(client, survey, hanoi_library, danang_library, staff, ministry):
    other_staff = factories.user("dn2", Role.LIBRARY_STAFF, library=danang_library)
    for user, library, software in (
        (staff, hanoi_library, "koha"),
        (other_staff, danang_library, "libol"),
    ):
        sub = Submission.objects.get(round=survey, library=library)
        workflow.save_values(user, sub, answers(**BASE, B1=software))
        workflow.submit(user, sub)
    client.force_login(ministry)
    page = client.get(f"/thong-ke/khao-sat/{survey.pk}/").content.decode()
    assert "Đã trả lời: 2/2 thư viện" in page and page.count("<svg") >= 5
    officer = factories.user("so-hn", Role.PROVINCE_OFFICER, province=factories.hanoi())
    client.force_login(officer)
    page = client.get(f"/thong-ke/khao-sat/{survey.pk}/").content.decode()
    assert "Đã trả lời: 1/1 thư viện" in page  # only Hà Nội's library
    client.force_login(factories.user("reader", Role.READER))
    assert client.get(f"/thong-ke/khao-sat/{survey.pk}/").status_code == 403
