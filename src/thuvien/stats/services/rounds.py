"""Reporting rounds: opening one creates the report of every library expected to file it."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from thuvien.accounts.permissions import Action, require
from thuvien.kernel.audit.log import record_change
from thuvien.stats.freshness import tables_changed
from thuvien.stats.models import FormDefinition, ReportingRound, Submission


class RoundError(ValueError):
    pass


def expected_libraries(library_types: list[str]):
    """Active libraries in Vietnam of the given types (all types when empty)."""
    from thuvien.registry.models import Library

    libraries = Library.objects.filter(country="VN", status="active")
    if library_types:
        libraries = libraries.filter(library_type__in=library_types)
    return libraries


def open_round(
    user,
    form: FormDefinition,
    year: int,
    *,
    period: str = "",
    title: str = "",
    deadline: date | None = None,
    library_types: list[str] | None = None,
    libraries=None,
    reminder_days: list[int] | None = None,
    check: bool = True,
) -> ReportingRound:
    """Open the round and create a report for each expected library (or for ``libraries``)."""
    if check:
        require(user, Action.STATS_OPEN_ROUND)
    if not form.published:
        raise RoundError("Biểu mẫu chưa ban hành / the form version is not published")
    period = period or str(year)
    if ReportingRound.objects.filter(form__code=form.code, period=period).exists():
        raise RoundError(
            f"Kỳ {period} của biểu mẫu {form.code} đã có / "
            f"period {period} of form {form.code} already exists"
        )
    with transaction.atomic():
        round_ = ReportingRound.objects.create(
            form=form,
            year=year,
            period=period,
            title=title or f"{form.name} {period}",
            opens_on=date.today(),
            deadline=deadline,
            library_types=library_types or [],
            reminder_days=reminder_days if reminder_days is not None else [14, 3],
        )
        targets = libraries if libraries is not None else expected_libraries(library_types or [])
        Submission.objects.bulk_create(
            [Submission(round=round_, library=library) for library in targets], batch_size=1000
        )
        tables_changed()
        record_change(
            user, "stats.open_round", round_, after={"reports": round_.submissions.count()}
        )
    return round_
