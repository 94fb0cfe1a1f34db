"""A counted report's figures packed in columns, and exact sums over millions of them.

A report that counts in the national tables is frozen (approved or certified: its figures
cannot change until it is unlocked), so its figures are packed once, when it is counted,
into a record array — element id, status code, number × 10⁴ as a 64-bit integer — and the
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

FIGURE = np.dtype([("element", "<i4"), ("status", "u1"), ("number", "<i8")])  # 13 bytes
SCALE = 10_000
STATUS_CODES = {"reported": 0, "estimated": 1, "not_applicable": 2, "unknown": 3, "suppressed": 4}
HAS_NUMBER = 8  # added to the status code when the figure has a number
# A number whose ten-thousandths do not fit stays on the row path (a report "too wide").
_WIDEST = 2**62
_LIMB = 21
_LIMB_MASK = (1 << _LIMB) - 1
# The counters of a table cell, in the order of AggregateCell's fields after ``total``.
COUNTERS = ("reported", "estimated", "not_applicable", "unknown", "suppressed")


class TooWide(ValueError):
    """A figure too large to pack (beyond ±4.6 × 10¹⁴ with four decimals)."""


def pack(figures: Iterable[tuple[int, str, Decimal | int | None]]) -> bytes:
    """(element id, status, number or None) of one report → its packed figures."""
    rows = []
    for element, status, number in figures:
        code = STATUS_CODES.get(status)
        if code is None:
            continue  # a status the tables do not count
        scaled = 0
        if number is None and code <= STATUS_CODES["estimated"]:
            continue  # a text, or a blank: nothing to add up
        if number is not None:
            scaled = int((Decimal(number) * SCALE).to_integral_value())
            if not -_WIDEST < scaled < _WIDEST:
                raise TooWide(element)
            code += HAS_NUMBER
        rows.append((element, code, scaled))
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
    stays exact when rows are added together (``roll_up``): a limb is below 2²¹, so a sum
    over fewer than 2³² figures is below 2⁵³."""
    status = figures["status"]
    kind = status & 7
    summed = (status & HAS_NUMBER).astype(bool) & (kind <= STATUS_CODES["estimated"])
    numbers = figures["number"][summed]
    summed_keys = keys[summed]
    out = np.empty((PRESENT + 1, size))
    out[LOW] = np.bincount(summed_keys, weights=numbers & _LIMB_MASK, minlength=size)
    out[MIDDLE] = np.bincount(summed_keys, weights=(numbers >> _LIMB) & _LIMB_MASK, minlength=size)
    out[HIGH] = np.bincount(summed_keys, weights=numbers >> (2 * _LIMB), minlength=size)
    out[COUNTED_AT["reported"]] = np.bincount(summed_keys, minlength=size)
    estimated = summed & (kind == STATUS_CODES["estimated"])
    out[COUNTED_AT["estimated"]] = np.bincount(keys[estimated], minlength=size)
    for name in COUNTERS[2:]:
        out[COUNTED_AT[name]] = np.bincount(keys[kind == STATUS_CODES[name]], minlength=size)
    out[PRESENT] = np.bincount(keys, minlength=size)
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
