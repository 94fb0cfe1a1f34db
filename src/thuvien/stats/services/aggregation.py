"""The national tables: sums per round, element and dimension over counted reports.

Kept up to date by deltas: a report's figures are added when it is approved (counted) and
taken away when it is unlocked; figures cannot change while counted, so the delta is
exact. ``rebuild`` (services/rebuild.py) recomputes everything from the raw figures (the
check, and the repair).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q

from thuvien.stats.freshness import tables_changed
from thuvien.stats.models import AggregateCell, DataElement, ReportingRound, Submission, Value
from thuvien.stats.models.aggregates import Dimension
from thuvien.stats.models.reports import COUNTED_STATES, SUMMED_STATUSES, ValueStatus
from thuvien.stats.services.rebuild import forget_counted, rebuild, store_counted

__all__ = ["apply_submission", "apply_submissions", "rebuild", "response"]

STATUS_COUNTERS = {
    ValueStatus.NOT_APPLICABLE: "not_applicable",
    ValueStatus.UNKNOWN: "unknown",
    ValueStatus.SUPPRESSED: "suppressed",
}


def dimension_keys(library) -> list[tuple[str, str]]:
    """The table cells a library adds into: its country, 2025 province (or region abroad),
    type and level."""
    keys = [(Dimension.NATION, library.country), (Dimension.LIBRARY_TYPE, library.library_type)]
    if library.country == "VN" and library.province_id:
        keys.append((Dimension.PROVINCE, library.province.code))
    elif library.country != "VN" and library.region:
        keys.append((Dimension.REGION, library.region))
    if library.level:
        keys.append((Dimension.LEVEL, library.level))
    return keys


def apply_submission(submission: Submission, sign: int) -> None:
    """Add (sign=1) or take away (sign=-1) one report's figures; call inside the
    transaction that changes its state."""
    apply_submissions([submission], sign)


def apply_submissions(submissions: list[Submission], sign: int) -> None:
    """The same for many reports of one round at once (a bulk import approves thousands):
    one query for their values and one pass over the cells. Counted reports' figures are
    packed for the full rebuild in the same pass."""
    if not submissions:
        return
    keys = {s.pk: dimension_keys(s.library) for s in submissions}
    rows = list(
        Value.objects.filter(submission__in=list(keys)).values_list(
            "submission_id", "element_id", "status", "number"
        )
    )
    if sign > 0:
        store_counted(list(keys), rows)
    else:
        forget_counted(list(keys))
    summed = set(DataElement.objects.filter(aggregate="sum").values_list("pk", flat=True))
    deltas: dict[tuple[int, str, str], dict[str, Decimal | int]] = {}
    for submission_id, element_id, status, number in rows:
        change = _change(status, number) if element_id in summed else None
        if not change:
            continue
        for dimension, key in keys[submission_id]:
            cell = deltas.setdefault((element_id, dimension, key), defaultdict(int))
            for name, amount in change.items():
                cell[name] += sign * amount
    _apply(submissions[0].round_id, deltas)


def _change(status: str, number: Decimal | None) -> dict[str, Decimal | int]:
    if status in SUMMED_STATUSES and number is not None:
        change: dict[str, Decimal | int] = {"total": number, "reported": 1}
        if status == ValueStatus.ESTIMATED:
            change["estimated"] = 1
        return change
    counter = STATUS_COUNTERS.get(status)
    return {counter: 1} if counter else {}


def _apply(round_id: int, deltas: dict) -> None:
    if not deltas:
        return
    element_ids = {element for element, _, _ in deltas}
    existing = {
        (c.element_id, c.dimension, c.key): c
        for c in AggregateCell.objects.select_for_update().filter(
            round_id=round_id, element_id__in=element_ids
        )
        if (c.element_id, c.dimension, c.key) in deltas
    }
    new, changed = [], []
    fields = ("total", "reported", "estimated", "not_applicable", "unknown", "suppressed")
    for (element, dimension, key), change in deltas.items():
        cell = existing.get((element, dimension, key))
        if cell is None:
            cell = AggregateCell(
                round_id=round_id, element_id=element, dimension=dimension, key=key
            )
            new.append(cell)
        else:
            changed.append(cell)
        for name, amount in change.items():
            setattr(cell, name, getattr(cell, name) + amount)
    AggregateCell.objects.bulk_create(new, batch_size=1000)
    AggregateCell.objects.bulk_update(changed, fields, batch_size=1000)
    tables_changed()


def response(round_: ReportingRound) -> dict[str, int]:
    """Reports expected, counted (approved or certified), submitted and late: the response
    rate is shown beside every table, never hidden."""
    counts = round_.submissions.aggregate(
        expected=Count("id"),
        counted=Count("id", filter=Q(state__in=COUNTED_STATES)),
        submitted=Count("id", filter=Q(submitted_at__isnull=False)),
        late=Count("id", filter=Q(late=True)),
    )
    return counts


def national_totals(round_: ReportingRound, dimension: str = Dimension.NATION) -> dict:
    """{(element code, key): cell} of one dimension, for the tables and checks."""
    cells = AggregateCell.objects.filter(round=round_, dimension=dimension).select_related(
        "element"
    )
    return {(c.element.code, c.key): c for c in cells}


def totals_by_key(round_: ReportingRound, code: str, dimension: str) -> dict[str, Decimal]:
    rows = AggregateCell.objects.filter(
        round=round_, element__code=code, dimension=dimension
    ).values_list("key", "total")
    return dict(rows)
