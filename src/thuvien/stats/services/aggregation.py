"""The national tables: sums per round, element and dimension over counted reports.

Kept up to date by deltas: a report's figures are added when it is approved (counted) and
taken away when it is unlocked; figures cannot change while counted, so the delta is
exact. ``rebuild`` recomputes everything from the raw values (the check, and the repair).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q

from thuvien.stats.models import AggregateCell, ReportingRound, Submission, Value
from thuvien.stats.models.aggregates import Dimension
from thuvien.stats.models.reports import COUNTED_STATES, SUMMED_STATUSES, ValueStatus

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
    keys = dimension_keys(submission.library)
    deltas: dict[tuple[int, str, str], dict[str, Decimal | int]] = {}
    for value in submission.values.select_related("element").filter(element__aggregate="sum"):
        change = _change(value)
        if not change:
            continue
        for dimension, key in keys:
            cell = deltas.setdefault((value.element_id, dimension, key), defaultdict(int))
            for name, amount in change.items():
                cell[name] += sign * amount
    _apply(submission.round_id, deltas)


def _change(value: Value) -> dict[str, Decimal | int]:
    if value.status in SUMMED_STATUSES and value.number is not None:
        change: dict[str, Decimal | int] = {"total": value.number, "reported": 1}
        if value.status == ValueStatus.ESTIMATED:
            change["estimated"] = 1
        return change
    counter = STATUS_COUNTERS.get(value.status)
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


# ---- full rebuild from the raw values ------------------------------------------------------

_DIMENSION_COLUMNS = {
    Dimension.NATION: "lib.country",
    Dimension.LIBRARY_TYPE: "lib.library_type",
    Dimension.PROVINCE: "CASE WHEN lib.country = 'VN' THEN prov.code END",
    Dimension.REGION: "CASE WHEN lib.country <> 'VN' AND lib.region <> '' THEN lib.region END",
    Dimension.LEVEL: "NULLIF(lib.level, '')",
}


def rebuild(round_: ReportingRound | None = None) -> int:
    """Recompute the cells of one round (or all) from the raw values, in SQL; returns the
    number of cells."""
    rounds = [round_] if round_ else list(ReportingRound.objects.all())
    with transaction.atomic():
        for item in rounds:
            AggregateCell.objects.filter(round=item).delete()
            with connection.cursor() as cursor:
                for dimension, column in _DIMENSION_COLUMNS.items():
                    cursor.execute(_rebuild_sql(dimension, column), [item.pk, *COUNTED_STATES])
        return AggregateCell.objects.filter(round__in=rounds).count()


def _rebuild_sql(dimension: str, column: str) -> str:
    cells = AggregateCell._meta.db_table
    summed = ", ".join(f"'{s}'" for s in SUMMED_STATUSES)
    return f"""
        INSERT INTO {cells} (round_id, element_id, dimension, key, total, reported, estimated,
                             not_applicable, unknown, suppressed)
        SELECT sub.round_id, v.element_id, '{dimension}', {column},
               COALESCE(SUM(CASE WHEN v.status IN ({summed}) THEN v.number END), 0),
               SUM(CASE WHEN v.status IN ({summed}) AND v.number IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN v.status = 'estimated' AND v.number IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN v.status = 'not_applicable' THEN 1 ELSE 0 END),
               SUM(CASE WHEN v.status = 'unknown' THEN 1 ELSE 0 END),
               SUM(CASE WHEN v.status = 'suppressed' THEN 1 ELSE 0 END)
        FROM {Value._meta.db_table} v
        JOIN {Submission._meta.db_table} sub ON sub.id = v.submission_id
        JOIN stats_dataelement el ON el.id = v.element_id AND el.aggregate = 'sum'
        JOIN registry_library lib ON lib.id = sub.library_id
        LEFT JOIN geo_adminunit prov ON prov.id = lib.province_id
        WHERE sub.round_id = %s AND sub.state IN (%s, %s) AND {column} IS NOT NULL
        GROUP BY sub.round_id, v.element_id, {column}
        HAVING COUNT(*) > 0
    """


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
