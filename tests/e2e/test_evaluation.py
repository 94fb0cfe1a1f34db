"""Browser test of the evaluation pages: the ranking of a round and one library's
evaluation with its chart and self-assessment form, screenshots in test-results/."""

import pytest

from tests import factories
from tests.e2e.conftest import shot, sign_in
from tests.evaluation.conftest import ANNUAL, EXAMPLE_SET, approve_report, figures
from thuvien.accounts.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROVINCES = [
    ("01", "Thành phố Hà Nội", "Thư viện Hà Nội", 8_700_000,
     dict(SD02=870000, SD04=1740000, VT01=1000000, KP01=26100, NL01=174, CS02=870, SD07=87000,
          VT01_5=1000, VT05=700, VT05_2=700, NL01_2=87)),
    ("48", "Thành phố Đà Nẵng", "Thư viện Khoa học Tổng hợp thành phố Đà Nẵng", 1_250_000,
     dict(SD02=500000, SD04="unknown", KP01=30000, NL01=50, CS02=500, SD07=50000, VT01_5=0,
          VT05=0, VT05_2=0, NL01_2=50)),
    ("46", "Thành phố Huế", "Thư viện Tổng hợp thành phố Huế", 1_160_000,
     dict(SD02=250000, SD04=300000, VT01=400000, KP01=9000, NL01=45, CS02=300, SD07=20000,
          VT01_5=3000, VT05=900, VT05_2=900, NL01_2=40)),
    ("92", "Thành phố Cần Thơ", "Thư viện thành phố Cần Thơ", 3_200_000, None),
]  # fmt: skip


@pytest.fixture
def evaluation_world(transactional_db):
    from thuvien.evaluation import criteria
    from thuvien.evaluation.services.criteria import load_criteria
    from thuvien.evaluation.services.rounds import open_round
    from thuvien.stats.definitions import load_file
    from thuvien.stats.models import PopulationFigure
    from thuvien.stats.services.forms import load_form
    from thuvien.stats.services.rounds import open_round as open_stats_round

    root = factories.user("root", superuser=True)
    form, _ = load_form(root, load_file(ANNUAL))
    made = {}
    for code, province, name, people, _ in PROVINCES:
        made[code] = factories.library(name, factories.unit(code, province))
        PopulationFigure.objects.create(
            dimension="province", key=code, year=2025, population=people, source="GSO"
        )
    stats = open_stats_round(root, form, 2025)
    for code, _, _, _, given in PROVINCES:
        if given:
            approve_report(stats, made[code], figures(**given), root)
    ministry = factories.user("bo", Role.MINISTRY_ADMIN)
    criteria_set, _ = load_criteria(ministry, criteria.load_file(EXAMPLE_SET))
    round_ = open_round(ministry, criteria_set.body, criteria_set, 2025)
    factories.user("thuthu", Role.LIBRARY_STAFF, library=made["01"])
    return {"round": round_, "hanoi": round_.evaluations.get(library=made["01"])}


def test_ranking_page(page, evaluation_world):
    sign_in(page, "bo")
    page.click("nav >> text=Đánh giá")
    page.click(f"text={evaluation_world['round'].title}")
    assert "Nhóm so sánh: Thư viện công cộng · Cấp tỉnh" in page.locator("h2").first.inner_text()
    names = page.locator("section table.data").first.locator("tbody tr td:nth-child(2) a")
    assert names.first.inner_text() == "Thư viện Hà Nội"
    assert names.count() == 4
    shot(page, "evaluation-ranking")


def test_library_evaluation_with_self_assessment(page, evaluation_world):
    sign_in(page, "thuthu")
    page.goto(page.base + f"/danh-gia/thu-vien/{evaluation_world['hanoi'].pk}/")
    assert page.locator("h1").inner_text().startswith("Thư viện Hà Nội")
    assert page.locator("figure.chart svg rect").count() > 10
    page.select_option("#rating-9", "kha")
    page.fill("#comment-9", "Đã bồi dưỡng thêm 40 người trong tháng 12")
    page.select_option("#rating-overall", "kha")
    page.click("button[name=save]")
    page.wait_for_load_state()
    assert "Đã lưu tự đánh giá." in page.locator(".messages").inner_text()
    shot(page, "evaluation-library")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "evaluation-library-phone")


def test_programme_kpis_page(page, evaluation_world):
    from tests.evaluation.conftest import QD_206
    from thuvien.accounts.models import User
    from thuvien.evaluation import programmes
    from thuvien.evaluation.models import Programme
    from thuvien.evaluation.services.kpis import load_programme

    load_programme(User.objects.get(username="bo"), programmes.load_file(QD_206))
    sign_in(page, "bo")
    page.goto(page.base + "/danh-gia/")
    page.click("text=Chỉ tiêu chương trình chuyển đổi số")
    page.fill("#id_year", "2025")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert Programme.objects.count() == 1
    first = page.locator("section.kpi").first
    assert "Tài liệu quý hiếm được số hoá" in first.inner_text()
    assert "tỉ lệ báo cáo 75,0 %" in first.inner_text()  # Cần Thơ has no approved report
    shot(page, "evaluation-kpis")
