"""The national tables as people read them: one row per province, type or level, the figures
of chosen elements, per-capita values where a population is known, and the response rate of
each row, so that a low total is never mistaken for a low figure."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from thuvien.stats.freshness import cached
from thuvien.stats.models import AggregateCell, PopulationFigure, ReportingRound, Submission
from thuvien.stats.models.aggregates import Dimension
from thuvien.stats.models.reports import COUNTED_STATES

# How a report's library is grouped, as a path from Submission.
_GROUPING = {
    Dimension.NATION: "library__country",
    Dimension.PROVINCE: "library__province__code",
    Dimension.REGION: "library__region",
    Dimension.LIBRARY_TYPE: "library__library_type",
    Dimension.LEVEL: "library__level",
}


@dataclass
class TableRow:
    key: str
    label: str
    expected: int = 0
    counted: int = 0
    values: dict[str, Decimal | None] = field(default_factory=dict)
    reported: dict[str, int] = field(default_factory=dict)
    population: int | None = None

    @property
    def response_rate(self) -> float | None:
        return self.counted / self.expected if self.expected else None

    def per_capita(self, code: str, per: int = 1) -> Decimal | None:
        value = self.values.get(code)
        if value is None or not self.population:
            return None
        return value * per / self.population


@dataclass
class Table:
    round: ReportingRound
    dimension: str
    codes: list[str]
    rows: list[TableRow]
    total: TableRow


def national_table(round_: ReportingRound, dimension: str, codes: list[str]) -> Table:
    """Rows for every key that has libraries expected to report, in label order; the last
    row (``total``) is the whole round."""
    labels = _labels(dimension)
    rows: dict[str, TableRow] = {}
    for key, expected, counted in _responses(round_, dimension):
        rows[key] = TableRow(key, labels.get(key, key), expected, counted)
    cells = AggregateCell.objects.filter(
        round=round_, dimension=dimension, element__code__in=codes
    ).values_list("key", "element__code", "total", "reported")
    for key, code, total, reported in cells:
        row = rows.setdefault(key, TableRow(key, labels.get(key, key)))
        row.values[code], row.reported[code] = total, reported
    _add_population(rows, dimension, round_.year)
    ordered = sorted(rows.values(), key=lambda r: r.label)
    return Table(round_, dimension, codes, ordered, _total_row(round_, ordered, codes))


def _responses(round_: ReportingRound, dimension: str) -> list[tuple[str, int, int]]:
    """(key, expected, counted) per key, kept while the tables stay the same (every
    element chosen for the round and grouping shows the same rates)."""
    return cached("responses", (round_.pk, dimension), lambda: _count_responses(round_, dimension))


def _count_responses(round_: ReportingRound, dimension: str) -> list[tuple[str, int, int]]:
    """Grouped on the library's own columns (a join to the province table for 50,000
    reports costs more than mapping 34 ids afterwards)."""
    path = _GROUPING[dimension]
    if dimension == Dimension.PROVINCE:
        path = "library__province_id"
    rows = (
        Submission.objects.filter(round=round_)
        .values(path)
        .annotate(expected=Count("id"), counted=Count("id", filter=Q(state__in=COUNTED_STATES)))
        .order_by()
    )
    found = [(r[path], r["expected"], r["counted"]) for r in rows if r[path]]
    if dimension != Dimension.PROVINCE:
        return found
    from thuvien.geo.models import AdminUnit

    codes = dict(
        AdminUnit.objects.filter(pk__in=[k for k, _, _ in found]).values_list("pk", "code")
    )
    return [(codes[k], expected, counted) for k, expected, counted in found]


def _total_row(round_: ReportingRound, rows: list[TableRow], codes: list[str]) -> TableRow:
    total = TableRow("", _("Tổng cộng"))
    total.expected = round_.submissions.count()
    total.counted = round_.submissions.filter(state__in=COUNTED_STATES).count()
    nation = AggregateCell.objects.filter(
        round=round_, dimension=Dimension.NATION, element__code__in=codes
    ).values_list("key", "element__code", "total", "reported")
    countries = set()
    for country, code, value, reported in nation:
        countries.add(country)
        total.values[code] = total.values.get(code, Decimal(0)) + value
        total.reported[code] = total.reported.get(code, 0) + reported
    populations = [r.population for r in rows]
    if countries <= {"VN"}:  # Vietnam's own figure, when the ministry has loaded one
        total.population = _latest_population(Dimension.NATION, "VN", round_.year)
    if total.population is None and rows and all(populations):
        total.population = sum(populations)
    return total


def _add_population(rows: dict[str, TableRow], dimension: str, year: int) -> None:
    """The population of the year, or the latest earlier one (censuses are not yearly)."""
    figures = PopulationFigure.objects.filter(dimension=dimension, year__lte=year).order_by(
        "key", "-year"
    )
    seen: set[str] = set()
    for figure in figures:
        if figure.key in rows and figure.key not in seen:
            rows[figure.key].population = figure.population
            seen.add(figure.key)


def _latest_population(dimension: str, key: str, year: int) -> int | None:
    figures = PopulationFigure.objects.filter(dimension=dimension, key=key, year__lte=year)
    return figures.order_by("-year").values_list("population", flat=True).first()


def _labels(dimension: str) -> dict[str, str]:
    from thuvien.geo.models import AdminUnit, Level, Scheme
    from thuvien.registry.choices import LibraryType, PublicLevel

    if dimension == Dimension.PROVINCE:
        units = AdminUnit.objects.filter(scheme=Scheme.V2025, level=Level.PROVINCE)
        return dict(units.values_list("code", "name"))
    if dimension == Dimension.LIBRARY_TYPE:
        return {c.value: str(c.label) for c in LibraryType}
    if dimension == Dimension.LEVEL:
        return {c.value: str(c.label) for c in PublicLevel}
    if dimension == Dimension.NATION:
        return {"VN": _("Việt Nam")}
    return {}


def trend(form_code: str, code: str, dimension: str = Dimension.NATION, key: str = "VN"):
    """(year, total) of an element over the rounds of a form; None where nothing counted."""
    rounds = ReportingRound.objects.filter(form__code=form_code).order_by("year")
    totals = dict(
        AggregateCell.objects.filter(
            round__in=rounds, element__code=code, dimension=dimension, key=key
        ).values_list("round__year", "total")
    )
    return [(r.year, totals.get(r.year)) for r in rounds]


@dataclass
class Comparison:
    library: Decimal | None
    peer_median: Decimal | None
    peer_count: int
    national_mean: Decimal | None


def library_against_peers(submission: Submission, code: str) -> Comparison:
    """A library's figure beside the median of its peer group (same type and level, counted
    reports of the round) and the national mean per reporting library."""
    counted = Submission.objects.filter(round=submission.round_id, state__in=COUNTED_STATES)
    peers = counted.filter(
        library__library_type=submission.library.library_type,
        library__level=submission.library.level,
        library__country=submission.library.country,
    )
    numbers = _numbers(peers, code)
    everyone = _numbers(counted.filter(library__country=submission.library.country), code)
    own = submission.values.filter(
        element__code=code, status__in=("reported", "estimated")
    ).values_list("number", flat=True)
    return Comparison(
        library=next(iter(own), None),
        peer_median=statistics.median(numbers) if numbers else None,
        peer_count=len(numbers),
        national_mean=sum(everyone) / len(everyone) if everyone else None,
    )


def _numbers(submissions, code: str) -> list[Decimal]:
    from thuvien.stats.models import Value

    return list(
        Value.objects.filter(
            submission__in=submissions,
            element__code=code,
            status__in=("reported", "estimated"),
            number__isnull=False,
        ).values_list("number", flat=True)
    )
