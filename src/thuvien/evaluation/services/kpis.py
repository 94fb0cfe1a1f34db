"""Programme KPIs: loading their definitions (targets are data), and their values for a
year from the counted statistics reports, with the libraries counted and the response.

A library concerned by a KPI but without a counted report is listed as "no report" and
left out; one whose report lacks an input is listed with the reason and left out. Neither
is ever counted as zero; the page shows how many libraries the value rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from thuvien.accounts.permissions import Action, require
from thuvien.evaluation.formulas import parse as parse_formula
from thuvien.evaluation.models import Programme, ProgrammeKpi
from thuvien.evaluation.models.programmes import KpiKind
from thuvien.evaluation.programmes import ProgrammeSpec
from thuvien.evaluation.services.compute import STATUS_REASONS
from thuvien.evaluation.services.criteria import check_codes
from thuvien.kernel.audit.log import record_change

KPI_FIELDS = (
    "name",
    "name_en",
    "kind",
    "formula",
    "meets_at_least",
    "target",
    "target_year",
    "unit",
    "key_libraries",
    "note",
    "note_en",
)


def load_programme(user, spec: ProgrammeSpec) -> tuple[Programme, int]:
    """Create or update the programme and its KPIs (by code); returns (programme, KPIs
    created or changed). KPIs edited in the admin are overwritten by a changed file."""
    require(user, Action.EVALUATION_MANAGE_KPIS)
    check_codes(
        spec.form, [(f"kpis[{i}]", parse_formula(k.formula).codes) for i, k in enumerate(spec.kpis)]
    )
    changed = 0
    with transaction.atomic():
        programme, _ = Programme.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "name_en": spec.name_en,
                "legal_basis": spec.legal_basis,
                "form_code": spec.form,
            },
        )
        for position, kpi in enumerate(spec.kpis):
            values = {name: getattr(kpi, name) for name in KPI_FIELDS}
            values.update(
                library_types=list(kpi.library_types), levels=list(kpi.levels), position=position
            )
            current = ProgrammeKpi.objects.filter(programme=programme, code=kpi.code).first()
            if current is not None and all(_same(current, k, v) for k, v in values.items()):
                continue
            ProgrammeKpi.objects.update_or_create(
                programme=programme, code=kpi.code, defaults=values
            )
            changed += 1
        record_change(user, "evaluation.load_kpis", programme, after={"changed": changed})
    return programme, changed


def _same(current: ProgrammeKpi, name: str, value) -> bool:
    stored = getattr(current, name)
    if isinstance(stored, Decimal) and value is not None:
        return stored == Decimal(value)
    return stored == value


# ---- values ------------------------------------------------------------------------------


@dataclass
class LibraryFigure:
    library: object
    value: Decimal | None = None
    inputs: dict = field(default_factory=dict)
    meets: bool | None = None
    problem: str = ""


@dataclass
class KpiResult:
    kpi: ProgrammeKpi
    year: int
    value: Decimal | None = None
    problem: str = ""
    sums: dict[str, Decimal] = field(default_factory=dict)
    counted: list[LibraryFigure] = field(default_factory=list)
    left_out: list[LibraryFigure] = field(default_factory=list)  # reported, an input missing
    unreported: list = field(default_factory=list)  # libraries without a counted report
    meeting: int = 0

    @property
    def expected(self) -> int:
        return len(self.counted) + len(self.left_out) + len(self.unreported)

    @property
    def reported(self) -> int:
        return len(self.counted) + len(self.left_out)

    @property
    def response_rate(self) -> Decimal | None:
        return _percent(self.reported, self.expected)

    @property
    def met(self) -> bool | None:
        return None if self.value is None else self.value >= self.kpi.target


def _percent(part: int, whole: int) -> Decimal | None:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None


def libraries_concerned(kpi: ProgrammeKpi, province_id: int | None = None):
    from thuvien.registry.models import Library

    libraries = Library.objects.filter(country="VN", status="active")
    if kpi.library_types:
        libraries = libraries.filter(library_type__in=kpi.library_types)
    if kpi.levels:
        libraries = libraries.filter(level__in=kpi.levels)
    if kpi.key_libraries is not None:
        libraries = libraries.filter(is_key_public_library=kpi.key_libraries)
    if province_id:
        libraries = libraries.filter(province_id=province_id)
    return libraries.select_related("province").order_by("name", "pk")


def _figures(form_code: str, year: int, library_ids: list[int], codes: tuple[str, ...]):
    """library id -> (numbers by code, reasons by code), for libraries with a counted
    report of the form in the year (the latest period when there are several)."""
    from thuvien.stats.models import Submission, Value
    from thuvien.stats.models.reports import COUNTED_STATES, SUMMED_STATUSES

    reports = Submission.objects.filter(
        library_id__in=library_ids,
        round__form__code=form_code,
        round__year=year,
        state__in=COUNTED_STATES,
    ).order_by("library_id", "round__period", "pk")
    latest = {library_id: pk for pk, library_id in reports.values_list("pk", "library_id")}
    figures = {library_id: ({}, {}) for library_id in latest}
    by_report = {pk: library_id for library_id, pk in latest.items()}
    rows = Value.objects.filter(submission_id__in=by_report, element__code__in=codes)
    for report, code, number, status in rows.values_list(
        "submission_id", "element__code", "number", "status"
    ):
        values, reasons = figures[by_report[report]]
        if status in SUMMED_STATUSES and number is not None:
            values[code] = number
        else:
            reasons[code] = STATUS_REASONS.get(status, "để trống / blank")
    return figures


def kpi_result(kpi: ProgrammeKpi, year: int, province_id: int | None = None) -> KpiResult:
    formula = parse_formula(kpi.formula)
    libraries = list(libraries_concerned(kpi, province_id))
    figures = _figures(kpi.programme.form_code, year, [lib.pk for lib in libraries], formula.codes)
    result = KpiResult(kpi=kpi, year=year)
    for library in libraries:
        if library.pk not in figures:
            result.unreported.append(library)
            continue
        values, reasons = figures[library.pk]
        outcome = formula.evaluate(values, reasons)
        figure = LibraryFigure(library, outcome.value, outcome.inputs, problem=outcome.problem)
        missing = [c for c in formula.codes if c not in values]
        if missing or (kpi.kind == KpiKind.SHARE and not outcome.computable):
            result.left_out.append(figure)
        else:
            result.counted.append(figure)
    (_share if kpi.kind == KpiKind.SHARE else _ratio)(result, formula)
    return result


def _share(result: KpiResult, formula) -> None:
    for figure in result.counted:
        figure.meets = figure.value >= result.kpi.meets_at_least
    result.meeting = sum(1 for f in result.counted if f.meets)
    result.value = _percent(result.meeting, len(result.counted))
    if result.value is None:
        result.problem = _nothing_counted(result)


def _ratio(result: KpiResult, formula) -> None:
    """The formula over the sums of the counted libraries (the same libraries in the
    numerator and the denominator)."""
    if not result.counted:
        result.problem = _nothing_counted(result)
        return
    for code in formula.codes:
        result.sums[code] = sum((f.inputs[code] for f in result.counted), Decimal(0))
    outcome = formula.evaluate(result.sums)
    result.problem = outcome.problem
    if outcome.computable:
        result.value = outcome.value.quantize(Decimal("0.1"))


def _nothing_counted(result: KpiResult) -> str:
    if not result.expected:
        return (
            "không có thư viện nào thuộc diện của chỉ tiêu trong danh bạ / "
            "no library in the directory falls under this KPI"
        )
    return (
        f"không có thư viện nào có đủ số liệu năm {result.year} / "
        f"no library has the figures for {result.year}"
    )


def programme_results(programme: Programme, year: int, province_id: int | None = None):
    return [kpi_result(kpi, year, province_id) for kpi in programme.kpis.order_by("position")]
