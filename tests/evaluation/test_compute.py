"""Indicators computed from approved statistics reports: values with their inputs, missing
figures and divisions by zero explained, ratings, weighted scores, and BIX-style ranks
within peer groups (lowest-is-best handled). Expected values are worked out by hand."""

from decimal import Decimal as D

import pytest

from tests.evaluation.conftest import approve_report, figures
from thuvien.evaluation.models import EvaluatingBody, LibraryEvaluation
from thuvien.evaluation.services.rounds import RoundError, open_round, set_peer_group
from thuvien.stats.models import Submission
from thuvien.stats.services import workflow as stats_workflow

pytestmark = pytest.mark.django_db

HANOI = figures(
    SD02=870000, SD04=1740000, VT01=1000000, KP01=26100, NL01=174, CS02=870, SD07=87000,
    VT01_5=1000, VT05=700, VT05_2=700, NL01_2=87,
)  # fmt: skip
DANANG = figures(
    SD02=500000, SD04="unknown", KP01=30000, NL01=50, CS02=500, SD07=50000, VT01_5=0,
    VT05=0, VT05_2=0, NL01_2=50,
)  # fmt: skip
COMMUNE = figures(SD02=20000, SD04=10000, VT01=5000, KP01=300, NL01=2)


@pytest.fixture
def evaluated(root, ministry, example_set, stats_2025, libraries, populations):
    approve_report(stats_2025, libraries["hn"], HANOI, root)
    approve_report(stats_2025, libraries["dn"], DANANG, root)
    approve_report(stats_2025, libraries["xa"], COMMUNE, root)
    hue = Submission.objects.get(round=stats_2025, library=libraries["hue"])
    stats_workflow.save_values(root, hue, {})  # a draft: not counted
    round_ = open_round(ministry, example_set.body, example_set, 2025)
    return {key: round_.evaluations.get(library=lib) for key, lib in libraries.items()}


def results(evaluation: LibraryEvaluation) -> dict:
    return {r.indicator.code: r for r in evaluation.results.select_related("indicator")}


def test_values_ratings_and_inputs_from_the_approved_report(evaluated):
    hanoi = results(evaluated["hn"])
    assert hanoi["1"].value == D("0.1") and hanoi["1"].rating == "trung-binh"
    assert hanoi["1"].inputs == {"SD02": "870000.0000", "population": "8700000"}
    assert hanoi["2"].value == D("0.2") and hanoi["2"].rating == "kha"
    assert hanoi["3"].value == D("1.74") and hanoi["3"].rating == "tot"
    assert hanoi["4"].value == D("30000") and hanoi["4"].rating == "tot"  # at most 30,000
    assert hanoi["5"].value == D("2") and hanoi["5"].rating == "kha"
    assert hanoi["6"].value == D("0.1") and hanoi["6"].rating == "trung-binh"
    assert hanoi["7"].value == D("10") and hanoi["7"].rating == "kha"
    assert hanoi["8"].value == D("70") and hanoi["8"].rating == "tot"
    assert hanoi["9"].value == D("50") and hanoi["9"].rating == "trung-binh"
    # (15*2 + 15*3 + 15*4 + 10*4 + 10*3 + 5*2 + 10*3 + 10*4 + 10*2) / 100
    assert evaluated["hn"].score == D("3.05") and evaluated["hn"].rating == "kha"
    assert evaluated["hn"].weight_share == 1
    assert evaluated["hn"].submission.state == "approved"


def test_missing_figures_and_division_by_zero_are_explained_not_zero(evaluated):
    danang = results(evaluated["dn"])
    assert danang["2"].value is None
    assert danang["2"].problem == (
        "thiếu số liệu: SD04 (không rõ) / missing figures: SD04 (unknown)"
    )
    assert danang["3"].problem == danang["2"].problem and danang["3"].inputs["VT01"]
    assert danang["8"].value is None
    assert danang["8"].problem == "chia cho 0: VT01.5 = 0 / division by zero: VT01.5 = 0"
    assert danang["8"].inputs == {"VT05.2": "0.0000", "VT01.5": "0.0000"}
    # rated: 1 (15), 4 (10), 5 (10), 6 (5), 7 (10), 9 (10) = 60% of the weight < 75%
    assert evaluated["dn"].score is None and evaluated["dn"].rating == ""
    assert evaluated["dn"].weight_share == D("0.6")


def test_a_library_without_a_counted_report_has_no_values(evaluated):
    hue = results(evaluated["hue"])
    assert {r.value for r in hue.values()} == {None}
    assert {r.problem for r in hue.values()} == {
        "chưa có báo cáo thống kê năm 2025 được duyệt / no approved statistics report for 2025"
    }
    assert evaluated["hue"].submission is None and evaluated["hue"].rank is None


def test_per_capita_needs_the_population_served(evaluated):
    commune = results(evaluated["xa"])
    assert commune["1"].value is None and "population" in commune["1"].problem
    assert commune["3"].value == D(2)  # 10,000 loans / 5,000 items


def test_ranks_within_peer_groups_and_lowest_is_best(evaluated):
    hanoi, danang = results(evaluated["hn"]), results(evaluated["dn"])
    assert (danang["1"].rank, hanoi["1"].rank) == (1, 2)  # visits per capita: higher
    assert (hanoi["4"].rank, danang["4"].rank) == (1, 2)  # cost per visit: lower is best
    assert hanoi["4"].peer_median == D(45000) and hanoi["4"].peer_count == 2
    assert results(evaluated["hue"])["4"].rank is None
    commune = results(evaluated["xa"])
    assert commune["3"].rank == 1 and commune["3"].peer_count == 1  # its own group
    assert evaluated["hn"].peer_group == "type:public:province"
    evaluated["hn"].refresh_from_db()
    assert evaluated["hn"].rank == 1 and evaluated["hn"].peer_count == 3


def test_a_chosen_peer_group_replaces_type_and_level(evaluated, ministry, libraries):
    round_ = evaluated["hn"].round
    set_peer_group(ministry, round_, "Hà Nội", [libraries["hn"], libraries["xa"]])
    hanoi = results(LibraryEvaluation.objects.get(pk=evaluated["hn"].pk))
    assert hanoi["3"].rank == 2 and hanoi["3"].peer_count == 2  # 1.74 after the commune's 2
    assert results(LibraryEvaluation.objects.get(pk=evaluated["dn"].pk))["4"].rank == 1
    with pytest.raises(RoundError, match="only libraries of the round"):
        set_peer_group(ministry, round_, "x", [libraries["hn"], _outsider()])


def _outsider():
    from tests import factories

    return factories.library("Thư viện ngoài đợt", factories.danang())


def test_recompute_takes_in_a_report_approved_later(evaluated, root, ministry, stats_2025):
    from thuvien.evaluation.services.compute import recompute

    hue = Submission.objects.get(round=stats_2025, library=evaluated["hue"].library)
    stats_workflow.save_values(root, hue, {})
    approve_report(stats_2025, evaluated["hue"].library, figures(SD02=116000), root)
    recompute(ministry, evaluated["hue"].round)
    assert results(LibraryEvaluation.objects.get(pk=evaluated["hue"].pk))["1"].value == D("0.1")


def test_a_province_body_evaluates_only_its_province(annual_form, example_set, libraries, hanoi):
    from tests import factories
    from thuvien.accounts.models import Role

    body = EvaluatingBody.objects.create(
        code="so-hn", name="Sở VHTT Hà Nội", kind="province", province=hanoi
    )
    officer = factories.user("so", Role.PROVINCE_OFFICER, province=hanoi)
    with pytest.raises(RoundError, match="outside the evaluating body's province"):
        open_round(officer, body, example_set, 2025, libraries=[libraries["dn"]])
    round_ = open_round(officer, body, example_set, 2025)  # the shared example set
    assert set(round_.evaluations.values_list("library__name", flat=True)) == {
        "Thư viện Hà Nội",
        "Thư viện xã Bát Tràng",
    }
    other = factories.user("so-dn", Role.PROVINCE_OFFICER, province=factories.danang())
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        open_round(other, body, example_set, 2026)
