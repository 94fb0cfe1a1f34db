"""The demo statistics of `make run`: on the real demo libraries, a report in each state,
last year's figures certified, the ministry's list showing them, and a second run that
changes nothing."""

import pytest

from tests import factories
from thuvien.accounts.models import Role
from thuvien.stats.demo import DEMO_REPORTS, load_demo_statistics
from thuvien.stats.models import Submission
from thuvien.stats.services import workflow
from thuvien.stats.services.rounds import expected_libraries


@pytest.fixture
def demo(real_units, db):
    from thuvien.registry.services.demo import load_demo_libraries

    admin = factories.user("admin", superuser=True)
    load_demo_libraries(admin)
    factories.user("bo", Role.MINISTRY_ADMIN)
    factories.user("so-hanoi", Role.PROVINCE_OFFICER, province=factories.hanoi())
    return admin


def test_demo_reports_in_every_state(demo, client):
    every_library = expected_libraries([]).count()  # active libraries in Vietnam
    assert load_demo_statistics(demo) == {"2024": len(DEMO_REPORTS), "2025": every_library}
    current = Submission.objects.filter(round__year=2025).exclude(state="not_started")
    assert sorted(current.values_list("state", flat=True)) == sorted(
        state for state, _ in DEMO_REPORTS.values()
    )
    last = Submission.objects.filter(round__year=2024)
    assert set(last.values_list("state", flat=True)) == {"certified"}
    for report in current.exclude(state="draft"):
        assert workflow.check(report, for_submission=True) == []  # plausible and consistent
    hanoi = current.get(library__name="Thư viện Hà Nội")
    assert {p.code for p in workflow.check(hanoi)} == {"VT01", "SD02"}  # work left to do
    assert workflow.last_year_values(hanoi)["VT01"] == 1_092_500
    returned = current.get(state="returned")
    assert returned.events.get(action="return").actor.username == "so-hanoi"
    client.force_login(factories.user("bo-2", Role.MINISTRY_ADMIN))
    annual = current.first().round_id
    page = client.get("/thong-ke/", {"round": annual}).content.decode()
    assert "Thư viện Quốc gia Việt Nam" in page and "Bộ đã xác nhận" in page
    survey = Submission.objects.filter(round__form__kind="survey", state="submitted")
    assert survey.count() == 3  # the digital-readiness survey, three answers
    assert load_demo_statistics(demo) == {}  # `make run` again: nothing new
