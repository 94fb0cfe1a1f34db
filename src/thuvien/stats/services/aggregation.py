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
    apply_submissions([submission], sign)


def apply_submissions(submissions: list[Submission], sign: int) -> None:
    """The same for many reports of one round at once (a bulk import approves thousands):
    one query for their values and one pass over the cells."""
    if not submissions:
        return
    keys = {s.pk: dimension_keys(s.library) for s in submissions}
    deltas: dict[tuple[int, str, str], dict[str, Decimal | int]] = {}
    values = Value.objects.filter(submission__in=list(keys), element__aggregate="sum")
    rows = values.values_list("submission_id", "element_id", "status", "number")
    for submission_id, element_id, status, number in rows.iterator(chunk_size=5000):
        change = _change(status, number)
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


# ---- full rebuild from the raw values ------------------------------------------------------

_FINE_SQL = """
    SELECT sub.round_id, v.element_id, lib.country, lib.library_type, prov.code, lib.region,
           lib.level,
           COALESCE(SUM(CASE WHEN v.status IN ('reported', 'estimated') THEN v.number END), 0),
           SUM(CASE WHEN v.status IN ('reported', 'estimated') AND v.number IS NOT NULL
                    THEN 1 ELSE 0 END),
           SUM(CASE WHEN v.status = 'estimated' AND v.number IS NOT NULL THEN 1 ELSE 0 END),
           SUM(CASE WHEN v.status = 'not_applicable' THEN 1 ELSE 0 END),
           SUM(CASE WHEN v.status = 'unknown' THEN 1 ELSE 0 END),
           SUM(CASE WHEN v.status = 'suppressed' THEN 1 ELSE 0 END)
    FROM stats_value v
    JOIN stats_submission sub ON sub.id = v.submission_id
    JOIN stats_dataelement el ON el.id = v.element_id
    JOIN registry_library lib ON lib.id = sub.library_id
    LEFT JOIN geo_adminunit prov ON prov.id = lib.province_id
    WHERE sub.round_id IN ({rounds}) AND sub.state IN ('approved', 'certified')
      AND el.aggregate = 'sum'
    GROUP BY sub.round_id, v.element_id, lib.country, lib.library_type, prov.code, lib.region,
             lib.level
"""
_COUNTS = ("total", "reported", "estimated", "not_applicable", "unknown", "suppressed")


def rebuild(round_: ReportingRound | None = None) -> int:
    """Recompute the cells of one round (or all) from the raw values; returns the number of
    cells. One scan of the values groups them by every dimension at once (a few thousand
    fine groups); the dimensions are then rolled up from those groups."""
    rounds = [round_.pk] if round_ else list(ReportingRound.objects.values_list("pk", flat=True))
    if not rounds:
        return 0
    sql = _FINE_SQL.format(rounds=", ".join(["%s"] * len(rounds)))
    cells: dict[tuple, list] = {}
    _refresh_planner_statistics()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, rounds)
            for row in cursor.fetchall():
                _roll_up(cells, row)
        AggregateCell.objects.filter(round_id__in=rounds).delete()
        AggregateCell.objects.bulk_create(
            (
                AggregateCell(
                    round_id=r,
                    element_id=e,
                    dimension=d,
                    key=k,
                    **dict(zip(_COUNTS, c, strict=True)),
                )
                for (r, e, d, k), c in cells.items()
            ),
            batch_size=2000,
        )
    return len(cells)


def _refresh_planner_statistics() -> None:
    """On PostgreSQL, ANALYZE the values when much has changed since the last analysis (a
    bulk import just now): with stale statistics the planner picks nested loops and the scan
    takes minutes instead of seconds."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN"
            " ('stats_value', 'stats_submission')"
            " AND (last_analyze IS NULL AND last_autoanalyze IS NULL"
            " OR n_mod_since_analyze > GREATEST(n_live_tup, 1) / 10)"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"ANALYZE {table}")


def _roll_up(cells: dict[tuple, list], row: tuple) -> None:
    round_id, element, country, library_type, province, region, level, *counts = row
    keys = [(Dimension.NATION, country), (Dimension.LIBRARY_TYPE, library_type)]
    if country == "VN" and province:
        keys.append((Dimension.PROVINCE, province))
    elif country != "VN" and region:
        keys.append((Dimension.REGION, region))
    if level:
        keys.append((Dimension.LEVEL, level))
    counts[0] = Decimal(counts[0]) if not isinstance(counts[0], Decimal) else counts[0]
    for dimension, key in keys:
        cell = cells.setdefault((round_id, element, dimension, key), [Decimal(0), 0, 0, 0, 0, 0])
        for i, amount in enumerate(counts):
            cell[i] += amount


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
