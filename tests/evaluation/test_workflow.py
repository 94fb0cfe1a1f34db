"""Self-assessment by the library, then review by the authority: permissions by role and
scope, states, the trail and the audit log, and the final score from the final ratings."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from tests import factories
from tests.evaluation.conftest import approve_report, figures
from thuvien.accounts.models import Role
from thuvien.evaluation.models import EvaluatingBody
from thuvien.evaluation.services import workflow
from thuvien.evaluation.services.rounds import open_round
from thuvien.evaluation.services.workflow import EvaluationError, Judgement
from thuvien.kernel.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_round(root, example_set, stats_2025, libraries, populations, hanoi):
    """Hà Nội's department evaluates its libraries with the ministry's shared set."""
    approve_report(stats_2025, libraries["hn"], figures(SD02=870000, NL01_2=20), root)
    body = EvaluatingBody.objects.create(
        code="so-vhtt-ha-noi", name="Sở Văn hoá và Thể thao Hà Nội", kind="province", province=hanoi
    )
    officer = factories.user("so-hn", Role.PROVINCE_OFFICER, province=hanoi)
    round_ = open_round(officer, body, example_set, 2025)
    return {
        "round": round_,
        "officer": officer,
        "evaluation": round_.evaluations.get(library=libraries["hn"]),
        "staff": factories.user("thuthu-hn", Role.LIBRARY_STAFF, library=libraries["hn"]),
    }


def test_self_assessment_then_conclusion(province_round):
    staff, officer = province_round["staff"], province_round["officer"]
    evaluation = province_round["evaluation"]
    workflow.save_self_assessment(
        staff,
        evaluation,
        {"1": Judgement("kha", "Lượt bạn đọc tăng nhờ phục vụ lưu động"), "": Judgement("kha")},
    )
    evaluation.refresh_from_db()
    assert evaluation.state == "draft" and evaluation.proposed_rating == "kha"
    assert evaluation.results.get(indicator__code="1").self_comment.startswith("Lượt bạn đọc")
    with pytest.raises(EvaluationError, match="not possible while the evaluation is draft"):
        workflow.conclude(officer, evaluation, {"": Judgement("tot")})
    workflow.submit_self_assessment(staff, evaluation)
    with pytest.raises(EvaluationError, match="submitted"):  # locked for the library now
        workflow.save_self_assessment(staff, evaluation, {"": Judgement("tot")})
    with pytest.raises(EvaluationError, match="a comment is required"):
        workflow.return_to_library(officer, evaluation, " ")
    workflow.return_to_library(officer, evaluation, "Bổ sung giải trình chỉ số 9")
    workflow.save_self_assessment(staff, evaluation, {"9": Judgement("yeu", "Đang bồi dưỡng")})
    workflow.submit_self_assessment(staff, evaluation)
    with pytest.raises(EvaluationError, match="overall rating is required"):
        workflow.conclude(officer, evaluation, {"": Judgement("")})
    finals = {code: Judgement("tot") for code in "123456789"}
    finals["4"] = Judgement("", "giữ theo số liệu")
    finals[""] = Judgement("tot", "Hoàn thành tốt nhiệm vụ")
    evaluation = workflow.conclude(officer, evaluation, finals)
    computed = evaluation.results.get(indicator__code="4").rating
    assert evaluation.results.get(indicator__code="4").final_rating == computed
    points = {"tot": 4, "kha": 3, "trung-binh": 2, "yeu": 1}
    expected = (90 * 4 + 10 * points[computed]) / D(100)
    assert evaluation.state == "concluded" and evaluation.final_score == expected
    assert evaluation.final_rating == "tot"
    steps = list(evaluation.events.values_list("action", flat=True))
    assert steps == ["start", "submit", "return", "submit", "conclude"]
    audited = AuditEntry.objects.filter(
        object_type="evaluation.libraryevaluation", object_id=str(evaluation.pk)
    )
    actions = list(audited.order_by("pk").values_list("action", flat=True))
    assert actions.count("evaluation.self_assess") == 2
    assert {"evaluation.submit", "evaluation.return", "evaluation.conclude"} <= set(actions)
    review = audited.get(action="evaluation.review")
    assert review.after["overall"] == "tot" and review.after["ratings"]["1"] == "tot"
    assert audited.get(action="evaluation.return").note == "Bổ sung giải trình chỉ số 9"


def test_permissions_by_role_and_scope(province_round, libraries, ministry):
    evaluation = province_round["evaluation"]
    other_staff = factories.user("thuthu-dn", Role.LIBRARY_STAFF, library=libraries["dn"])
    with pytest.raises(PermissionDenied):
        workflow.save_self_assessment(other_staff, evaluation, {"": Judgement("tot")})
    with pytest.raises(PermissionDenied):  # the authority does not assess for the library
        workflow.save_self_assessment(province_round["officer"], evaluation, {})
    workflow.save_self_assessment(province_round["staff"], evaluation, {"": Judgement("kha")})
    workflow.submit_self_assessment(province_round["staff"], evaluation)
    with pytest.raises(PermissionDenied):  # a library does not conclude on itself
        workflow.conclude(province_round["staff"], evaluation, {"": Judgement("tot")})
    danang_officer = factories.user("so-dn", Role.PROVINCE_OFFICER, province=factories.danang())
    with pytest.raises(PermissionDenied):
        workflow.return_to_library(danang_officer, evaluation, "không phải tỉnh mình")
    assert workflow.may_review(ministry, evaluation)
    assert not workflow.may_review(danang_officer, evaluation)


def test_unknown_ratings_and_indicators_are_refused(province_round):
    staff, evaluation = province_round["staff"], province_round["evaluation"]
    with pytest.raises(EvaluationError, match="unknown indicator or rating: 1, 99"):
        workflow.save_self_assessment(
            staff, evaluation, {"1": Judgement("xuat-sac"), "99": Judgement("tot")}
        )
    with pytest.raises(EvaluationError, match="propose an overall rating"):
        workflow.submit_self_assessment(staff, evaluation)
    assert AuditEntry.objects.filter(action="evaluation.self_assess").count() == 0
