"""Indicators per library and year from its counted statistics report, ratings, weighted
scores and the peer ranks of a round.

The figures are the library's approved or certified report of the statistics year
(``round.stats_year``) of the form the criteria set reads. A figure that is not applicable,
unknown, suppressed or blank is a missing input with that reason; a library without a
counted report gets no value at all, never zeros.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from thuvien.accounts.permissions import Action, Target, require
from thuvien.evaluation import scoring
from thuvien.evaluation.formulas import parse as parse_formula
from thuvien.evaluation.models import (
    EvaluationRound,
    Indicator,
    IndicatorResult,
    LibraryEvaluation,
    PeerGroup,
)
from thuvien.evaluation.models.rounds import SELF_EDITABLE
from thuvien.evaluation.services.criteria import bands_of
from thuvien.kernel.audit.log import record_change

STATUS_REASONS = {
    "not_applicable": "không áp dụng / not applicable",
    "unknown": "không rõ / unknown",
    "suppressed": "không công bố / suppressed",
}
BLANK = "để trống / blank"
VALUE_PLACES = Decimal("0.000001")


@dataclass
class Facts:
    submission: object | None
    values: dict[str, Decimal] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)


def counted_report(library, form_code: str, year: int):
    """The library's approved or certified report of the form for the year, if any."""
    from thuvien.stats.models import Submission
    from thuvien.stats.models.reports import COUNTED_STATES

    reports = Submission.objects.filter(
        library=library,
        round__form__code=form_code,
        round__year=year,
        state__in=COUNTED_STATES,
    )
    return reports.order_by("-round__period", "-pk").first()


def report_figures(submission) -> tuple[dict[str, Decimal], dict[str, str]]:
    """Numbers by code, and why the other elements have none."""
    from thuvien.stats.models.reports import SUMMED_STATUSES

    values, reasons = {}, {}
    rows = submission.values.values_list("element__code", "number", "status")
    for code, number, status in rows:
        if status in SUMMED_STATUSES and number is not None:
            values[code] = number
        else:
            reasons[code] = STATUS_REASONS.get(status, BLANK)
    return values, reasons


def population(library, year: int) -> tuple[Decimal | None, str]:
    """The people a library serves, for per-capita indicators: the province's population
    for a provincial public library (stats' population table); none known otherwise."""
    from thuvien.stats.models import PopulationFigure

    if library.library_type != "public" or library.level != "province" or not library.province:
        return None, (
            "chưa xác định được số dân phục vụ / no population served is known for this library"
        )
    figure = PopulationFigure.objects.filter(
        dimension="province", key=library.province.code, year=year
    ).first()
    if figure is None:
        return None, (
            f"chưa có số dân của tỉnh năm {year} / no population figure for the province in {year}"
        )
    return Decimal(figure.population), ""


def facts_for(library, form_code: str, year: int) -> Facts:
    submission = counted_report(library, form_code, year)
    if submission is None:
        return Facts(None)
    values, reasons = report_figures(submission)
    people, reason = population(library, year)
    if people is None:
        reasons["population"] = reason
    else:
        values["population"] = people
    return Facts(submission, values, reasons)


def no_report_problem(year: int) -> str:
    return (
        f"chưa có báo cáo thống kê năm {year} được duyệt / no approved statistics report for {year}"
    )


NOT_APPLICABLE = "không áp dụng cho loại thư viện này / not applicable to this type of library"


def compute_evaluation(evaluation: LibraryEvaluation, indicators: list[Indicator]) -> None:
    """Values, ratings and the weighted score of one library (not its ranks)."""
    round_ = evaluation.round
    criteria_set = round_.criteria_set
    facts = facts_for(evaluation.library, criteria_set.form_code, round_.stats_year)
    existing = {r.indicator_id: r for r in evaluation.results.all()}
    points = {r["code"]: Decimal(str(r["points"])) for r in criteria_set.ratings}
    parts = []
    for indicator in indicators:
        result = existing.get(indicator.pk) or IndicatorResult(
            evaluation=evaluation, indicator=indicator
        )
        applies = indicator.applies_to_library(evaluation.library.library_type)
        _fill(result, indicator, facts, round_.stats_year, applies)
        result.save()
        if applies:
            parts.append((indicator.weight, points.get(result.rating)))
    score = scoring.weighted_score(parts, criteria_set.min_weight_share)
    evaluation.submission = facts.submission
    evaluation.score = score.value
    evaluation.weight_share = score.weight_share
    evaluation.rating = (
        scoring.rate(score.value, "higher", bands_of(criteria_set.overall_bands))
        if score.computable
        else ""
    )
    evaluation.computed_at = timezone.now()
    evaluation.save()


def _fill(result, indicator, facts: Facts, year: int, applies: bool) -> None:
    result.value, result.rating, result.inputs = None, "", {}
    if not applies:
        result.problem = NOT_APPLICABLE
        return
    if facts.submission is None:
        result.problem = no_report_problem(year)
        return
    outcome = parse_formula(indicator.formula).evaluate(facts.values, facts.reasons)
    result.inputs = {c: None if v is None else str(v) for c, v in outcome.inputs.items()}
    result.problem = outcome.problem
    if outcome.computable:
        result.value = outcome.value.quantize(VALUE_PLACES)
        result.rating = scoring.rate(result.value, indicator.direction, bands_of(indicator.bands))


# ---- peer groups and ranks -----------------------------------------------------------------


def peer_key(library, chosen: dict[int, PeerGroup]) -> tuple[str, str]:
    """(key, name): a chosen group of the round, or the library's type and level."""
    group = chosen.get(library.pk)
    if group is not None:
        return f"group:{group.pk}", group.name
    return f"type:{library.library_type}:{library.level or '-'}", ""


def rank_round(round_: EvaluationRound) -> None:
    """Ranks and medians within each peer group, per indicator and overall."""
    chosen = {
        library_id: group
        for group in round_.peer_groups.all()
        for library_id in group.libraries.values_list("pk", flat=True)
    }
    evaluations = list(round_.evaluations.select_related("library"))
    groups: dict[str, list[LibraryEvaluation]] = defaultdict(list)
    for evaluation in evaluations:
        evaluation.peer_group, evaluation.peer_group_label = peer_key(evaluation.library, chosen)
        groups[evaluation.peer_group].append(evaluation)
    for members in groups.values():
        _rank_overall(members)
        _rank_indicators(members)
    LibraryEvaluation.objects.bulk_update(
        evaluations, ["peer_group", "peer_group_label", "rank", "peer_count"]
    )


def _rank_overall(members: list[LibraryEvaluation]) -> None:
    order = scoring.ranks({e.pk: e.score for e in members}, "higher")
    for evaluation in members:
        evaluation.rank = order.get(evaluation.pk)
        evaluation.peer_count = len(members)


def _rank_indicators(members: list[LibraryEvaluation]) -> None:
    results = IndicatorResult.objects.filter(evaluation__in=members).select_related("indicator")
    by_indicator: dict[int, list[IndicatorResult]] = defaultdict(list)
    for result in results:
        by_indicator[result.indicator_id].append(result)
    changed = []
    for rows in by_indicator.values():
        direction = rows[0].indicator.direction
        order = scoring.ranks({r.pk: r.value for r in rows}, direction)
        middle = scoring.median(r.value for r in rows)
        with_value = sum(1 for r in rows if r.value is not None)
        for row in rows:
            row.rank = order.get(row.pk)
            row.peer_count = with_value
            row.peer_median = None if middle is None else middle.quantize(VALUE_PLACES)
            changed.append(row)
    IndicatorResult.objects.bulk_update(changed, ["rank", "peer_count", "peer_median"])


def compute_round(round_: EvaluationRound) -> int:
    """Compute the evaluations still open to the library (submitted ones keep the figures
    the library assessed) and rank the whole round; returns how many were computed."""
    indicators = list(round_.criteria_set.indicators.order_by("position"))
    computed = 0
    with transaction.atomic():
        open_ones = round_.evaluations.filter(state__in=SELF_EDITABLE).select_related(
            "library__province", "round__criteria_set"
        )
        for evaluation in open_ones:
            compute_evaluation(evaluation, indicators)
            computed += 1
        rank_round(round_)
        round_.computed_at = timezone.now()
        round_.save(update_fields=["computed_at"])
    return computed


def recompute(user, round_: EvaluationRound) -> int:
    """Take in statistics approved since the last computation (the managing body)."""
    require(user, Action.EVALUATION_MANAGE, Target.for_province(round_.body.province_id))
    computed = compute_round(round_)
    record_change(user, "evaluation.compute", round_, after={"computed": computed})
    return computed
