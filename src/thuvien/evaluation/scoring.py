"""Ratings, weighted scores and peer ranks. No Django.

- ``rate``: the band a value falls in (the first band from the best whose threshold it
  meets; "at least" for higher-is-better, "at most" for lower-is-better).
- ``weighted_score``: the weighted mean of the points of the rated indicators. An indicator
  that cannot be computed is left out, never counted as zero, and the share of the weight
  that was rated is returned beside the score; under the set's minimum share there is no
  overall score.
- ``ranks``: in the style of Germany's BIX, a library's rank among its peers per indicator
  (1 = best, ties share a rank and the next rank is skipped: 1, 2, 2, 4); lower-is-better
  indicators rank the smallest value first; libraries without a value get no rank.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from thuvien.evaluation.criteria import Band


def rate(value: Decimal, direction: str, bands: Iterable[Band]) -> str:
    last = ""
    for band in bands:
        last = band.rating
        if band.threshold is None:
            return band.rating
        if direction == "higher" and value >= band.threshold:
            return band.rating
        if direction == "lower" and value <= band.threshold:
            return band.rating
    return last


@dataclass(frozen=True)
class Score:
    value: Decimal | None
    weight_share: Decimal  # 0..1: the part of the weight that was rated

    @property
    def computable(self) -> bool:
        return self.value is not None


def weighted_score(
    parts: Iterable[tuple[Decimal, Decimal | None]], min_weight_share: Decimal
) -> Score:
    """``parts``: (weight, points or None when the indicator was not rated)."""
    parts = list(parts)
    total = sum((w for w, _ in parts), Decimal(0))
    rated = [(w, p) for w, p in parts if p is not None]
    rated_weight = sum((w for w, _ in rated), Decimal(0))
    share = rated_weight / total if total else Decimal(0)
    if not rated or share < min_weight_share:
        return Score(None, share)
    value = sum((w * p for w, p in rated), Decimal(0)) / rated_weight
    return Score(value.quantize(Decimal("0.01")), share.quantize(Decimal("0.0001")))


def ranks(values: Mapping[Hashable, Decimal | None], direction: str) -> dict[Hashable, int]:
    """Competition ranks of the keys that have a value."""
    known = [(key, value) for key, value in values.items() if value is not None]
    known.sort(key=lambda item: item[1], reverse=direction == "higher")
    result: dict[Hashable, int] = {}
    for position, (key, value) in enumerate(known, start=1):
        previous = known[position - 2] if position > 1 else None
        tied = previous is not None and previous[1] == value
        result[key] = result[previous[0]] if tied else position  # type: ignore[index]
    return result


def median(values: Iterable[Decimal | None]) -> Decimal | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None
