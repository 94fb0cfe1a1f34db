"""Opening an evaluation round from the web."""

import pytest

from tests import factories
from tests.evaluation.conftest import approve_report
from tests.evaluation.test_compute import DANANG, HANOI
from thuvien.accounts.models import Role
from thuvien.evaluation.models import EvaluationRound

pytestmark = pytest.mark.django_db


def test_ministry_opens_a_round_and_lands_on_its_ranking(
    client, root, ministry, example_set, stats_2025, libraries, populations
):
    approve_report(stats_2025, libraries["hn"], HANOI, root)
    approve_report(stats_2025, libraries["dn"], DANANG, root)
    client.force_login(ministry)
    assert "Mở đợt đánh giá" in client.get("/danh-gia/").content.decode()
    page = client.get("/danh-gia/mo-dot/")
    assert page.status_code == 200
    answer = client.post(
        "/danh-gia/mo-dot/",
        {"body": example_set.body.pk, "criteria_set": example_set.pk, "year": 2025},
    )
    round_ = EvaluationRound.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/danh-gia/dot/{round_.pk}/"
    assert round_.evaluations.count() >= 2
    again = client.post(
        "/danh-gia/mo-dot/",
        {"body": example_set.body.pk, "criteria_set": example_set.pk, "year": 2025},
    )
    assert again.status_code == 200  # the same round twice is refused with the reason
    assert "đã có / a round for 2025 with this criteria set already exists" in (
        again.content.decode()
    )
    assert EvaluationRound.objects.count() == 1


def test_library_staff_cannot_open_rounds(client, libraries):
    client.force_login(factories.user("tt", Role.LIBRARY_STAFF, library=libraries["hn"]))
    assert client.get("/danh-gia/mo-dot/").status_code == 403
