"""A library's evaluation: the library assesses itself (a comment and a proposed rating per
indicator, and overall), submits; the authority returns it with a comment or concludes
(final rating per indicator and overall, with comments). Each step checks the actor's
permission, the state, writes the trail and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from thuvien.accounts.permissions import Action, Target, has_perm, require
from thuvien.evaluation import scoring
from thuvien.evaluation.models import EvaluationEvent, LibraryEvaluation
from thuvien.evaluation.models.rounds import SELF_EDITABLE, EvaluationState
from thuvien.kernel.audit.log import record_change, record_step

S = EvaluationState


class EvaluationError(ValueError):
    """A step that cannot be taken now ("vi / en")."""


@dataclass(frozen=True)
class Judgement:
    """A rating code (or "") and a comment, for one indicator or overall."""

    rating: str = ""
    comment: str = ""


def may_review(user, evaluation: LibraryEvaluation) -> bool:
    """The evaluating body's officers, for a library in their scope."""
    body_scope = Target.for_province(evaluation.round.body.province_id)
    return has_perm(user, Action.EVALUATION_MANAGE, body_scope) and has_perm(
        user, Action.EVALUATION_MANAGE, Target.for_library(evaluation.library)
    )


def _require_review(user, evaluation: LibraryEvaluation) -> None:
    require(user, Action.EVALUATION_MANAGE, Target.for_province(evaluation.round.body.province_id))
    require(user, Action.EVALUATION_MANAGE, Target.for_library(evaluation.library))


def _lock(evaluation: LibraryEvaluation, states) -> LibraryEvaluation:
    current = LibraryEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if current.round.closed:
        raise EvaluationError("Đợt đánh giá đã kết thúc / the evaluation round is closed")
    if current.state not in states:
        raise EvaluationError(
            f"Không thực hiện được ở trạng thái «{current.get_state_display()}» / "
            f"not possible while the evaluation is {current.state}"
        )
    return current


def _check_ratings(evaluation: LibraryEvaluation, judgements: dict[str, Judgement]) -> None:
    known = {r["code"] for r in evaluation.round.criteria_set.ratings} | {""}
    codes = set(evaluation.results.values_list("indicator__code", flat=True))
    wrong = sorted(
        k for k, j in judgements.items() if k != "" and (k not in codes or j.rating not in known)
    )
    if judgements.get("", Judgement()).rating not in known:
        wrong.append("(chung / overall)")
    if wrong:
        raise EvaluationError(
            "Chỉ số hoặc mức xếp loại không hợp lệ / unknown indicator or rating: "
            + ", ".join(wrong)
        )


def save_self_assessment(
    user, evaluation: LibraryEvaluation, judgements: dict[str, Judgement]
) -> LibraryEvaluation:
    """``judgements``: indicator code -> Judgement, and "" for the overall one."""
    require(user, Action.EVALUATION_SELF_ASSESS, Target.for_library(evaluation.library))
    with transaction.atomic():
        evaluation = _lock(evaluation, SELF_EDITABLE)
        _check_ratings(evaluation, judgements)
        before, after = {}, {}
        for result in evaluation.results.select_related("indicator"):
            given = judgements.get(result.indicator.code)
            if given is None:
                continue
            old = (result.proposed_rating, result.self_comment)
            if old != (given.rating, given.comment.strip()):
                before[result.indicator.code], after[result.indicator.code] = old, given
                result.proposed_rating, result.self_comment = given.rating, given.comment.strip()
                result.save(update_fields=["proposed_rating", "self_comment"])
        overall = judgements.get("")
        if overall is not None:
            before[""] = (evaluation.proposed_rating, evaluation.self_comment)
            evaluation.proposed_rating = overall.rating
            evaluation.self_comment = overall.comment.strip()
            after[""] = (evaluation.proposed_rating, evaluation.self_comment)
        if before != after:
            record_change(
                user, "evaluation.self_assess", evaluation, before=_shown(before),
                after=_shown(after),
            )  # fmt: skip
        if evaluation.state == S.OPEN:
            _move(user, evaluation, S.DRAFT, "start")
        evaluation.save()
    return evaluation


def _shown(changes: dict) -> dict:
    return {
        code: list(value) if isinstance(value, tuple) else [value.rating, value.comment]
        for code, value in changes.items()
    }


def submit_self_assessment(user, evaluation: LibraryEvaluation) -> LibraryEvaluation:
    require(user, Action.EVALUATION_SELF_ASSESS, Target.for_library(evaluation.library))
    with transaction.atomic():
        evaluation = _lock(evaluation, SELF_EDITABLE)
        if not evaluation.proposed_rating:
            raise EvaluationError(
                "Cần tự xếp loại chung trước khi gửi / propose an overall rating before submitting"
            )
        evaluation.submitted_at = timezone.now()
        _move(user, evaluation, S.SUBMITTED, "submit", evaluation.self_comment)
        evaluation.save()
    return evaluation


def return_to_library(user, evaluation: LibraryEvaluation, comment: str) -> LibraryEvaluation:
    _require_review(user, evaluation)
    if not comment.strip():
        raise EvaluationError("Cần ghi ý kiến khi trả lại / a comment is required to return")
    with transaction.atomic():
        evaluation = _lock(evaluation, (S.SUBMITTED,))
        _move(user, evaluation, S.RETURNED, "return", comment.strip())
        evaluation.save()
    return evaluation


def conclude(
    user, evaluation: LibraryEvaluation, judgements: dict[str, Judgement]
) -> LibraryEvaluation:
    """The authority's conclusion: a final rating per indicator (blank: the computed one)
    and overall (required); the final score is the weighted score of the final ratings."""
    _require_review(user, evaluation)
    with transaction.atomic():
        evaluation = _lock(evaluation, (S.SUBMITTED,))
        _check_ratings(evaluation, judgements)
        overall = judgements.get("", Judgement())
        if not overall.rating:
            raise EvaluationError(
                "Cần xếp loại chung khi kết luận / an overall rating is required to conclude"
            )
        finals = _apply_finals(evaluation, judgements)
        evaluation.final_rating = overall.rating
        evaluation.review_comment = overall.comment.strip()
        evaluation.final_score = _final_score(evaluation, finals)
        evaluation.concluded_at = timezone.now()
        _move(user, evaluation, S.CONCLUDED, "conclude", evaluation.review_comment)
        record_change(
            user,
            "evaluation.review",
            evaluation,
            after={"ratings": {code: rating for code, (rating, _) in finals.items()},
                   "overall": evaluation.final_rating, "score": evaluation.final_score},
        )  # fmt: skip
        evaluation.save()
    return evaluation


def _apply_finals(evaluation, judgements) -> dict[str, tuple[str, Decimal]]:
    """Store the final rating of each indicator; returns code -> (rating, weight)."""
    finals = {}
    library_type = evaluation.library.library_type
    for result in evaluation.results.select_related("indicator"):
        given = judgements.get(result.indicator.code, Judgement())
        result.final_rating = given.rating or result.rating
        result.review_comment = given.comment.strip()
        result.save(update_fields=["final_rating", "review_comment"])
        if result.indicator.applies_to_library(library_type):
            finals[result.indicator.code] = (result.final_rating, result.indicator.weight)
    return finals


def _final_score(evaluation, finals) -> Decimal | None:
    criteria_set = evaluation.round.criteria_set
    points = {r["code"]: Decimal(str(r["points"])) for r in criteria_set.ratings}
    parts = [(weight, points.get(rating)) for rating, weight in finals.values()]
    return scoring.weighted_score(parts, criteria_set.min_weight_share).value


def _move(user, evaluation, to_state: str, action: str, comment: str = "") -> None:
    record_step(
        user, evaluation, EvaluationEvent, "evaluation", "evaluation", to_state, action, comment
    )
