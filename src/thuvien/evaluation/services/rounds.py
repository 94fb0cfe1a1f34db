"""Opening an evaluation round: the body, its criteria set, the year and the libraries
evaluated; their indicators are computed at once from the statistics already counted."""

from __future__ import annotations

from django.db import transaction

from thuvien.accounts.permissions import Action, Target, require
from thuvien.evaluation.models import (
    CriteriaSet,
    EvaluatingBody,
    EvaluationRound,
    LibraryEvaluation,
    PeerGroup,
)
from thuvien.evaluation.services.compute import compute_round, rank_round
from thuvien.kernel.audit.log import record_change


class RoundError(ValueError):
    """The round cannot be opened or changed ("vi / en")."""


def default_libraries(body: EvaluatingBody, criteria_set: CriteriaSet):
    """Active libraries in Vietnam of the set's types, in the body's province if it has one."""
    from thuvien.registry.models import Library

    libraries = Library.objects.filter(country="VN", status="active")
    if criteria_set.library_types:
        libraries = libraries.filter(library_type__in=criteria_set.library_types)
    if body.province_id:
        libraries = libraries.filter(province_id=body.province_id)
    return libraries


def _check(body: EvaluatingBody, criteria_set: CriteriaSet, libraries, year: int) -> None:
    if criteria_set.body_id != body.pk and not criteria_set.shared:
        raise RoundError(
            f"Bộ tiêu chí «{criteria_set.code}» thuộc cơ quan khác / "
            f"the criteria set {criteria_set.code!r} belongs to another body"
        )
    if not libraries:
        raise RoundError("Chưa có thư viện nào để đánh giá / there are no libraries to evaluate")
    if body.province_id:
        outside = [lib.name for lib in libraries if lib.province_id != body.province_id]
        if outside:
            raise RoundError(
                f"Thư viện ngoài tỉnh của cơ quan đánh giá: {', '.join(outside)} / "
                f"libraries outside the evaluating body's province: {', '.join(outside)}"
            )
    if EvaluationRound.objects.filter(body=body, criteria_set=criteria_set, year=year).exists():
        raise RoundError(
            f"Đợt đánh giá năm {year} với bộ tiêu chí này đã có / "
            f"a round for {year} with this criteria set already exists"
        )


def open_round(
    user,
    body: EvaluatingBody,
    criteria_set: CriteriaSet,
    year: int,
    *,
    libraries=None,
    stats_year: int | None = None,
    title: str = "",
) -> EvaluationRound:
    require(user, Action.EVALUATION_MANAGE, Target.for_province(body.province_id))
    chosen = list(libraries if libraries is not None else default_libraries(body, criteria_set))
    _check(body, criteria_set, chosen, year)
    with transaction.atomic():
        round_ = EvaluationRound.objects.create(
            body=body,
            criteria_set=criteria_set,
            year=year,
            stats_year=stats_year or year,
            title=title or f"{criteria_set.name} – {body.name} – {year}",
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        LibraryEvaluation.objects.bulk_create(
            [LibraryEvaluation(round=round_, library=library) for library in chosen]
        )
        computed = compute_round(round_)
        record_change(
            user, "evaluation.open_round", round_, after={"libraries": computed, "year": year}
        )
    return round_


def set_peer_group(user, round_: EvaluationRound, name: str, libraries) -> PeerGroup:
    """A chosen set of libraries ranked together (instead of by type and level)."""
    require(user, Action.EVALUATION_MANAGE, Target.for_province(round_.body.province_id))
    members = list(libraries)
    evaluated = set(round_.evaluations.values_list("library_id", flat=True))
    strangers = [lib.name for lib in members if lib.pk not in evaluated]
    if not name.strip() or strangers:
        raise RoundError(
            "Nhóm cần tên và chỉ gồm thư viện của đợt / a group needs a name and only "
            f"libraries of the round{': ' + ', '.join(strangers) if strangers else ''}"
        )
    with transaction.atomic():
        group, _ = PeerGroup.objects.get_or_create(round=round_, name=name.strip())
        group.libraries.set(members)
        rank_round(round_)
        record_change(
            user,
            "evaluation.peer_group",
            round_,
            after={"group": group.name, "libraries": [lib.pk for lib in members]},
        )
    return group
