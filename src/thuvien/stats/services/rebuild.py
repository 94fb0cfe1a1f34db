"""The full rebuild of the national tables from the raw figures: the check and the repair.

Every counted report's figures are packed in columns when it is counted (``store_counted``,
called by the deltas in ``aggregation``); the rebuild first repacks from the value rows any
counted report whose pack is missing (``from_values=True``: all of them, the deep check),
then adds up the packs round by round with numpy (``thuvien.stats.columnar``). Reports with
a figure too large to pack are added up from their rows by SQL. ADR 0019.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import numpy as np
from django.db import connection, transaction

from thuvien.stats import columnar
from thuvien.stats.freshness import tables_changed
from thuvien.stats.models import (
    AggregateCell,
    CountedFigures,
    DataElement,
    ReportingRound,
    Submission,
    Value,
)
from thuvien.stats.models.aggregates import Dimension
from thuvien.stats.models.reports import COUNTED_STATES

_COUNTS = ("total", *columnar.COUNTERS)
_CHUNK = 2000  # reports repacked per query


# ---- the packs ---------------------------------------------------------------------------


def store_counted(submission_ids: list[int], rows: list[tuple] | None = None) -> None:
    """Pack the figures of counted reports; ``rows`` (submission id, element id, status,
    number) when the caller has already read them."""
    if rows is None:
        rows = Value.objects.filter(submission_id__in=submission_ids).values_list(
            "submission_id", "element_id", "status", "number"
        )
    by_report: dict[int, list[tuple]] = {pk: [] for pk in submission_ids}
    for submission_id, element_id, status, number in rows:
        by_report[submission_id].append((element_id, status, number))
    packs = []
    for pk, figures in by_report.items():
        try:
            packs.append(CountedFigures(submission_id=pk, figures=columnar.pack(figures)))
        except columnar.TooWide:
            packs.append(CountedFigures(submission_id=pk, wide=True))
    forget_counted(submission_ids)
    CountedFigures.objects.bulk_create(packs, batch_size=1000)


def forget_counted(submission_ids: list[int]) -> None:
    CountedFigures.objects.filter(submission_id__in=submission_ids).delete()


def _repair_packs(rounds: list[int], from_values: bool) -> None:
    """Packs for exactly the counted reports of the rounds."""
    packs = CountedFigures.objects.filter(submission__round_id__in=rounds)
    if not from_values:
        packs = packs.exclude(submission__state__in=COUNTED_STATES)
    packs.delete()
    missing = list(
        Submission.objects.filter(
            round_id__in=rounds, state__in=COUNTED_STATES, counted_figures__isnull=True
        ).values_list("pk", flat=True)
    )
    for start in range(0, len(missing), _CHUNK):
        store_counted(missing[start : start + _CHUNK])


# ---- the rebuild ---------------------------------------------------------------------------


def rebuild(round_: ReportingRound | None = None, from_values: bool = False) -> int:
    """Recompute the cells of one round (or all) from the raw figures; returns the number
    of cells. ``from_values``: repack every counted report from its value rows first."""
    rounds = [round_.pk] if round_ else list(ReportingRound.objects.values_list("pk", flat=True))
    if not rounds:
        return 0
    _refresh_planner_statistics()
    cells: dict[tuple, list] = {}
    with transaction.atomic():
        _repair_packs(rounds, from_values)
        groups = _LibraryGroups()
        elements = _SummedElements()
        _add_packed(cells, rounds, groups, elements)
        _add_wide(cells, rounds)
        AggregateCell.objects.filter(round_id__in=rounds).delete()
        _insert_cells(cells)
        tables_changed()
    return len(cells)


class _LibraryGroups:
    """Libraries by what they add into (country, type, province, region, level): a few
    hundred groups for tens of thousands of libraries, and the table keys of each group in
    every dimension."""

    _SQL = """
        SELECT lib.id, lib.country, lib.library_type, prov.code, lib.region, lib.level
        FROM registry_library lib LEFT JOIN geo_adminunit prov ON prov.id = lib.province_id
    """

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(self._SQL)
            rows = cursor.fetchall()
        index: dict[tuple, int] = {}
        # library id → group, as an array the reports' library ids index
        self.of_library = np.full(max((row[0] for row in rows), default=0) + 1, -1, np.int64)
        for pk, *group in rows:
            self.of_library[pk] = index.setdefault(tuple(group), len(index))
        self.count = len(index)
        # dimension → (key of each group, or -1; the keys)
        self.keys: dict[str, tuple[np.ndarray, list[str]]] = {}
        for dimension in Dimension:
            names: dict[str, int] = {}
            of_group = [
                names.setdefault(key, len(names)) if key else -1
                for key in (_key_in(dimension, *group) for group in index)
            ]
            self.keys[dimension] = (np.array(of_group, dtype=np.int64), list(names))


def _key_in(dimension: str, country, library_type, province, region, level) -> str | None:
    """The key of a library's cell in one dimension (None: it adds into none)."""
    if dimension == Dimension.NATION:
        return country
    if dimension == Dimension.LIBRARY_TYPE:
        return library_type
    if dimension == Dimension.PROVINCE:
        return province if country == "VN" else None
    if dimension == Dimension.REGION:
        return region if country != "VN" else None
    return level or None


class _SummedElements:
    """The elements whose figures are added up, by position: ``ids[position]``; figures of
    any other element (or of one deleted since) go to the extra position ``width``, which
    adds into no cell."""

    def __init__(self) -> None:
        self.ids = list(DataElement.objects.filter(aggregate="sum").values_list("pk", flat=True))
        self.width = len(self.ids)
        highest = DataElement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self._position = np.full(highest + 2, self.width, dtype=np.int64)
        self._position[self.ids] = np.arange(self.width)

    def of(self, element_ids: np.ndarray) -> np.ndarray:
        return self._position[np.minimum(element_ids, len(self._position) - 1)]


_PACKS_SQL = """
    SELECT sub.round_id, sub.library_id, cf.figures FROM stats_countedfigures cf
    JOIN stats_submission sub ON sub.id = cf.submission_id
    WHERE sub.round_id IN ({rounds}) AND sub.state IN ('approved', 'certified')
      AND cf.wide = %s
"""
_REPORTS_A_CHUNK = 20_000


def _packs(rounds: list[int]) -> Iterator[list[tuple[int, int, bytes]]]:
    """(round id, library id, packed figures) of the counted reports, in chunks: one scan
    of the packs for every round. On PostgreSQL in the binary protocol (as text, bytea
    travels hex-encoded and takes four times as long)."""
    sql = _PACKS_SQL.format(rounds=", ".join(["%s"] * len(rounds)))
    if connection.vendor == "postgresql":
        import psycopg  # present whenever PostgreSQL is the database

        connection.ensure_connection()
        # a server-binding cursor: Django's own (client-binding) returns no binary results
        cursor = psycopg.Cursor(connection.connection)
        cursor.execute(sql, [*rounds, False], binary=True)
    else:
        cursor = connection.cursor()
        cursor.execute(sql, [*rounds, False])
    with cursor:
        while rows := cursor.fetchmany(_REPORTS_A_CHUNK):
            yield rows


def _add_packed(cells: dict, rounds: list[int], groups: _LibraryGroups, elements) -> None:
    """The packed figures summed per (round, library group, element), then rolled up into
    the cells of every dimension."""
    if not elements.ids:
        return
    width = elements.width + 1
    block = groups.count * width  # the (group, element) columns of one round
    position = {round_id: i for i, round_id in enumerate(rounds)}
    fine = np.zeros((columnar.PRESENT + 1, len(rounds) * block))
    for rows in _packs(rounds):
        figures, lengths = columnar.unpack([blob for _, _, blob in rows])
        first = np.fromiter(
            (position[r] * block + groups.of_library[lib] * width for r, lib, _ in rows),
            np.int64,
            len(rows),
        )
        keys = np.repeat(first, lengths) + elements.of(figures["element"])
        fine += columnar.fine_sums(keys, figures, len(rounds) * block)
    for i, round_id in enumerate(rounds):
        _roll_up_round(cells, round_id, fine[:, i * block : (i + 1) * block], groups, elements)


def _roll_up_round(cells: dict, round_id: int, fine: np.ndarray, groups, elements) -> None:
    width = elements.width + 1
    for dimension, (key_of_group, names) in groups.keys.items():
        # a (group, element) column goes to (the group's key, element), but not the extra
        # position of unsummed elements, nor groups without a key in this dimension
        targets = np.where(key_of_group[:, None] >= 0, key_of_group[:, None] * width, -1)
        targets = targets + np.arange(width)
        targets[(key_of_group < 0)[:, None] | (np.arange(width) == elements.width)] = -1
        rolled = columnar.roll_up(fine, targets.ravel(), len(names) * width)
        present = np.flatnonzero(rolled[columnar.PRESENT])
        values = columnar.cell_values(rolled[:, present])
        for column, counts in zip(present.tolist(), values, strict=True):
            key, element = divmod(column, width)
            _add_into(cells, (round_id, elements.ids[element], dimension, names[key]), counts)


def _add_into(cells: dict, cell: tuple, counts: list) -> None:
    existing = cells.get(cell)
    if existing is None:
        cells[cell] = counts
    else:
        for i, amount in enumerate(counts):
            existing[i] += amount


_INSERT_SQL = (
    "INSERT INTO stats_aggregatecell (round_id, element_id, dimension, key, total, reported,"
    " estimated, not_applicable, unknown, suppressed) VALUES (%s, %s, %s, %s, %s, %s, %s, %s,"
    " %s, %s)"
)


def _insert_cells(cells: dict[tuple, list]) -> None:
    """Many thousands of cells in one statement per batch (the ORM's bulk_create prepares
    every field of every object and takes most of the rebuild's time)."""
    rows = [(*cell, *counts) for cell, counts in cells.items()]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(_INSERT_SQL, rows[start : start + 5000])


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
    JOIN stats_countedfigures cf ON cf.submission_id = sub.id AND cf.wide = %s
    JOIN stats_dataelement el ON el.id = v.element_id
    JOIN registry_library lib ON lib.id = sub.library_id
    LEFT JOIN geo_adminunit prov ON prov.id = lib.province_id
    WHERE sub.round_id IN ({rounds}) AND sub.state IN ('approved', 'certified')
      AND el.aggregate = 'sum'
    GROUP BY sub.round_id, v.element_id, lib.country, lib.library_type, prov.code, lib.region,
             lib.level
"""


def _add_wide(cells: dict, rounds: list[int]) -> None:
    """The reports whose figures could not be packed, added up from their rows."""
    if not CountedFigures.objects.filter(wide=True).exists():  # indexed: the usual case
        return
    sql = _FINE_SQL.format(rounds=", ".join(["%s"] * len(rounds)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, *rounds])
        for row in cursor.fetchall():
            _roll_up(cells, row)


def _refresh_planner_statistics() -> None:
    """On PostgreSQL, ANALYZE the tables when much has changed since the last analysis (a
    bulk import just now): with stale statistics the planner picks nested loops."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN"
            " ('stats_value', 'stats_submission', 'stats_countedfigures')"
            " AND (last_analyze IS NULL AND last_autoanalyze IS NULL"
            " OR n_mod_since_analyze > GREATEST(n_live_tup, 1) / 10)"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"ANALYZE {table}")


def _roll_up(cells: dict[tuple, list], row: tuple) -> None:
    """Add one fine group (round, element, the libraries' country, type, province, region
    and level) into the cells of every dimension it belongs to."""
    round_id, element, country, library_type, province, region, level, *counts = row
    keys = [(Dimension.NATION, country), (Dimension.LIBRARY_TYPE, library_type)]
    if country == "VN" and province:
        keys.append((Dimension.PROVINCE, province))
    elif country != "VN" and region:
        keys.append((Dimension.REGION, region))
    if level:
        keys.append((Dimension.LEVEL, level))
    counts[0] = counts[0] if isinstance(counts[0], Decimal) else Decimal(counts[0])
    for dimension, key in keys:
        _add_into(cells, (round_id, element, dimension, key), list(counts))
