"""Reading evaluations for the pages: which rounds and library evaluations a user may see.

The scope follows the permission matrix (``evaluation.view``): the ministry and the National
Library see everything, a province officer the libraries of their province, library staff
their library (and its branches).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from thuvien.accounts.permissions import (
    Action,
    Target,
    library_ids_for,
    province_ids_for,
    require,
)
from thuvien.evaluation.models import EvaluationRound, LibraryEvaluation

VIEW = Action.EVALUATION_VIEW


def visible_evaluations(user) -> QuerySet[LibraryEvaluation]:
    evaluations = LibraryEvaluation.objects.select_related(
        "library", "library__province", "round__criteria_set", "round__body"
    )
    if not getattr(user, "is_authenticated", False):
        return evaluations.none()
    provinces = province_ids_for(user, VIEW)
    if provinces is None:
        return evaluations
    own = library_ids_for(user, VIEW)
    return evaluations.filter(
        Q(library__province_id__in=provinces)
        | Q(library_id__in=own)
        | Q(library__parent_id__in=own)
    )


def visible_rounds(user) -> QuerySet[EvaluationRound]:
    ids = visible_evaluations(user).values("round_id")
    return EvaluationRound.objects.filter(pk__in=ids).select_related("body", "criteria_set")


def sees_everything(user) -> bool:
    return getattr(user, "is_authenticated", False) and province_ids_for(user, VIEW) is None


def round_for(user, pk: int) -> EvaluationRound:
    round_ = get_object_or_404(
        EvaluationRound.objects.select_related("body", "criteria_set"), pk=pk
    )
    if not visible_evaluations(user).filter(round=round_).exists():
        raise PermissionDenied(
            "Bạn không có quyền xem đợt đánh giá này / You may not see this evaluation round"
        )
    return round_


def evaluation_for(user, pk: int) -> LibraryEvaluation:
    evaluation = get_object_or_404(
        LibraryEvaluation.objects.select_related(
            "library__province", "round__criteria_set", "round__body", "submission"
        ),
        pk=pk,
    )
    require(user, VIEW, Target.for_library(evaluation.library))
    return evaluation


def round_evaluations(user, round_: EvaluationRound) -> list[LibraryEvaluation]:
    """The round's evaluations the user may see, best ranked first within each group."""
    rows = visible_evaluations(user).filter(round=round_)
    return sorted(
        rows,
        key=lambda e: (e.peer_group, e.rank is None, e.rank or 0, e.library.name),
    )
