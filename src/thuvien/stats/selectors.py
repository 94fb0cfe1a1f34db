"""Reading reports for the pages: which reports a user may see, per round and state.

The scope follows the permission matrix (``stats.view_report``): the ministry and the
National Library see every report, a province officer the reports of their province, library
staff the reports of their library and its branches.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from thuvien.accounts.permissions import (
    Action,
    Target,
    library_ids_for,
    province_ids_for,
    require,
)
from thuvien.stats.models import ReportingRound, Submission
from thuvien.stats.models.reports import COUNTED_STATES, SubmissionState

VIEW = Action.STATS_VIEW_REPORT
_BRANCH_DEPTH = 5  # branches of branches: the registry keeps the tree shallow


def _with_branches(library_ids: set[int]) -> set[int]:
    from thuvien.registry.models import Library

    found, frontier = set(library_ids), set(library_ids)
    for _ in range(_BRANCH_DEPTH):
        frontier = set(Library.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= found
        if not frontier:
            break
        found |= frontier
    return found


def visible_reports(user) -> QuerySet[Submission]:
    """Every report the user may see (none for readers and strangers)."""
    reports = Submission.objects.select_related("round", "library", "library__province")
    if not getattr(user, "is_authenticated", False):
        return reports.none()
    provinces = province_ids_for(user, VIEW)
    if provinces is None:
        return reports
    libraries = _with_branches(library_ids_for(user, VIEW))
    return reports.filter(Q(library__province_id__in=provinces) | Q(library_id__in=libraries))


# Reports waiting for someone come first: for review, for certification, back with the
# library, being filled in; then the finished ones and those not started.
_URGENCY = Case(
    *(
        When(state=state, then=Value(rank))
        for rank, state in enumerate(
            ("submitted", "approved", "returned", "draft", "certified", "not_started")
        )
    ),
    default=Value(9),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class ReportFilters:
    round_id: int | None = None
    state: str = ""
    province_id: int | None = None


def report_list(user, filters: ReportFilters) -> QuerySet[Submission]:
    reports = visible_reports(user)
    if filters.round_id:
        reports = reports.filter(round_id=filters.round_id)
    if filters.state:
        reports = reports.filter(state=filters.state)
    if filters.province_id:
        reports = reports.filter(library__province_id=filters.province_id)
    return reports.annotate(urgency=_URGENCY).order_by(
        "-round__year", "urgency", "library__province__code", "library__name", "pk"
    )


@dataclass(frozen=True)
class RoundSummary:
    """One round as the user sees it: the reports in their scope by state."""

    round: ReportingRound
    by_state: dict[str, int]
    expected: int
    submitted: int
    counted: int
    late: int

    @property
    def submitted_rate(self) -> float:
        return 100 * self.submitted / self.expected if self.expected else 0.0

    @property
    def counted_rate(self) -> float:
        return 100 * self.counted / self.expected if self.expected else 0.0


def round_summaries(user) -> list[RoundSummary]:
    """The rounds in which the user has reports to see, newest first, with their counts."""
    rows = (
        visible_reports(user)
        .order_by()
        .values("round_id", "state")
        .annotate(n=Count("id"), submitted=Count("id", filter=Q(submitted_at__isnull=False)))
        .annotate(late=Count("id", filter=Q(late=True)))
    )
    counts: dict[int, dict[str, int]] = {}
    totals: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["round_id"], {})[row["state"]] = row["n"]
        total = totals.setdefault(row["round_id"], {"submitted": 0, "late": 0})
        total["submitted"] += row["submitted"]
        total["late"] += row["late"]
    rounds = ReportingRound.objects.filter(pk__in=counts).select_related("form")
    return [
        RoundSummary(
            round=item,
            by_state={s: counts[item.pk].get(s, 0) for s in SubmissionState.values},
            expected=sum(counts[item.pk].values()),
            submitted=totals[item.pk]["submitted"],
            counted=sum(counts[item.pk].get(s, 0) for s in COUNTED_STATES),
            late=totals[item.pk]["late"],
        )
        for item in rounds.order_by("-year", "-period")
    ]


def report_for(user, pk: int) -> Submission:
    """One report, refused (PermissionDenied) to whoever may not see it."""
    submission = get_object_or_404(
        Submission.objects.select_related("round__form", "library__province"), pk=pk
    )
    require(user, VIEW, Target.for_library(submission.library))
    return submission


def trail(submission: Submission):
    return submission.events.select_related("actor").order_by("at", "pk")


def attachments(submission: Submission):
    return submission.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk")


@dataclass(frozen=True)
class PopulationRow:
    place: str
    year: int
    population: int
    source: str


def population_table() -> list[PopulationRow]:
    """Every population figure, the country first, then the provinces by name, newest year
    first."""
    from thuvien.geo.models import AdminUnit, Level, Scheme
    from thuvien.stats.models import PopulationFigure
    from thuvien.stats.models.aggregates import Dimension

    names = dict(
        AdminUnit.objects.filter(scheme=Scheme.V2025, level=Level.PROVINCE).values_list(
            "code", "name"
        )
    )
    rows = [
        PopulationRow(
            "Cả nước" if f.dimension == Dimension.NATION else names.get(f.key, f.key),
            f.year,
            f.population,
            f.source,
        )
        for f in PopulationFigure.objects.filter(
            dimension__in=[Dimension.NATION, Dimension.PROVINCE]
        )
    ]
    return sorted(rows, key=lambda r: (r.place != "Cả nước", r.place, -r.year))
