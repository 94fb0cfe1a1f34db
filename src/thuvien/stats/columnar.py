"""A counted report's figures packed in columns, and exact sums over millions of them.

A report that counts in the national tables is frozen (approved or certified: its figures
cannot change until it is unlocked), so its figures are packed once, when it is counted,
into a record array — element id, kind of figure, number × 10⁴ as a 64-bit integer — and the
full rebuild adds up these arrays with numpy instead of reading one database row per
figure (15 million figures: about a second instead of tens of seconds).

Sums are exact: numbers are integers of ten-thousandths (the values keep 4 decimals), split
into three 21-bit limbs so that each limb's sum stays exact in the float64 that
``numpy.bincount`` adds in; the limbs are put together in Python integers.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import numpy as np

FIGURE = np.dtype([("element", "<i4"), ("kind", "u1"), ("number", "<i8")])  # 13 bytes
SCALE = 10_000
# What a figure adds to its cell. Only kinds 0 and 1 carry a number (0 for the others).
KINDS = ("reported", "estimated", "not_applicable", "unknown", "suppressed")
KIND_OF = {status: i for i, status in enumerate(KINDS)}
# A number whose ten-thousandths do not fit stays on the row path (a report "too wide").
_WIDEST = 2**62
_LIMB = 21
_LIMB_MASK = (1 << _LIMB) - 1
# The counters of a table cell, in the order of AggregateCell's fields after ``total``.
COUNTERS = KINDS


class TooWide(ValueError):
    """A figure too large to pack (beyond ±4.6 × 10¹⁴ with four decimals)."""


def pack(figures: Iterable[tuple[int, str, Decimal | int | None]]) -> bytes:
    """(element id, status, number or None) of one report → its packed figures."""
    rows = []
    for element, status, number in figures:
        kind = KIND_OF.get(status)
        if kind is None:
            continue  # a status the tables do not count
        scaled = 0
        if kind <= KIND_OF["estimated"]:
            if number is None:
                continue  # a text, or a blank: nothing to add up
            scaled = int((Decimal(number) * SCALE).to_integral_value())
            if not -_WIDEST < scaled < _WIDEST:
                raise TooWide(element)
        rows.append((element, kind, scaled))
    return np.array(rows, dtype=FIGURE).tobytes()


def unpack(blobs: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The figures of many reports as one array, and how many each report has."""
    lengths = np.fromiter((len(b) for b in blobs), dtype=np.int64, count=len(blobs))
    figures = np.frombuffer(b"".join(blobs), dtype=FIGURE)
    return figures, lengths // FIGURE.itemsize


# Rows of the array ``fine_sums`` returns.
LOW, MIDDLE, HIGH = 0, 1, 2  # the limbs of the total
COUNTED_AT = {name: 3 + i for i, name in enumerate(COUNTERS)}
PRESENT = 3 + len(COUNTERS)  # figures of any kind: the cell exists


def fine_sums(keys: np.ndarray, figures: np.ndarray, size: int) -> np.ndarray:
    """Per key in ``range(size)``: the three limbs of the total, the five counters and the
    number of figures, as a (9, size) float64 array. Every entry is an exact integer, and
    stays exact when columns are added together (``roll_up``): a limb is below 2²¹, so a
    sum over fewer than 2³² figures is below 2⁵³. A limb that is zero for every figure
    (small numbers, the usual case) is not summed."""
    numbers = np.ascontiguousarray(figures["number"])
    by_kind = np.bincount(keys * len(KINDS) + figures["kind"], minlength=size * len(KINDS)).reshape(
        size, len(KINDS)
    )
    out = np.zeros((PRESENT + 1, size))
    widest = int(np.abs(numbers).max(initial=0))
    out[LOW] = np.bincount(keys, weights=numbers & _LIMB_MASK, minlength=size)
    if widest >> _LIMB:
        out[MIDDLE] = np.bincount(keys, weights=(numbers >> _LIMB) & _LIMB_MASK, minlength=size)
    if widest >> (2 * _LIMB) or numbers.min(initial=0) < 0:
        out[HIGH] = np.bincount(keys, weights=numbers >> (2 * _LIMB), minlength=size)
    out[COUNTED_AT["reported"]] = by_kind[:, 0] + by_kind[:, 1]  # every figure summed
    for name in COUNTERS[1:]:
        out[COUNTED_AT[name]] = by_kind[:, KIND_OF[name]]
    out[PRESENT] = by_kind.sum(axis=1)
    return out


def roll_up(fine: np.ndarray, targets: np.ndarray, size: int) -> np.ndarray:
    """Add the columns of ``fine`` into ``size`` columns: column i goes to ``targets[i]``
    (-1: nowhere)."""
    kept = targets >= 0
    return np.stack([np.bincount(targets[kept], weights=row[kept], minlength=size) for row in fine])


def cell_values(columns: np.ndarray) -> list[list]:
    """[total as an exact Decimal, reported, estimated, not applicable, unknown,
    suppressed] of each column of a ``fine_sums`` or ``roll_up`` array."""
    cells = []
    counters = [COUNTED_AT[name] for name in COUNTERS]
    for column in columns.astype(np.int64).T.tolist():  # exact: every entry is below 2⁵³
        total = column[LOW] + (column[MIDDLE] << _LIMB) + (column[HIGH] << (2 * _LIMB))
        cells.append([Decimal(total).scaleb(-4), *(column[i] for i in counters)])
    return cells
