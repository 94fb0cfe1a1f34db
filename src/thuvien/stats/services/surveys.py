"""Survey results: per question, the distribution of answers (choices, yes/no, scales),
the figures (count, sum, mean, median) or the texts, over the responses received."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from thuvien.stats.models import DataElement, ReportingRound, Value
from thuvien.stats.models.reports import SubmissionState

RESPONDED = (SubmissionState.SUBMITTED, SubmissionState.APPROVED, SubmissionState.CERTIFIED)


@dataclass
class QuestionResult:
    element: DataElement
    answered: int = 0
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # value, label, n
    numbers: dict[str, Decimal | int | None] = field(default_factory=dict)
    texts: list[tuple[str, str]] = field(default_factory=list)  # library, answer


def response_counts(round_: ReportingRound, submissions=None) -> dict[str, int]:
    chosen = round_.submissions.all() if submissions is None else submissions
    counts = Counter(chosen.filter(round=round_).values_list("state", flat=True))
    return {
        "targets": sum(counts.values()),
        "responded": sum(counts[s] for s in RESPONDED),
        "in_progress": counts[SubmissionState.DRAFT] + counts[SubmissionState.RETURNED],
        "not_started": counts[SubmissionState.NOT_STARTED],
    }


def survey_results(round_: ReportingRound, submissions=None) -> list[QuestionResult]:
    """Results over the responses received (or over ``submissions`` of the round, e.g.
    those of a province for its office)."""
    values = Value.objects.filter(submission__round=round_, submission__state__in=RESPONDED)
    if submissions is not None:
        values = values.filter(submission__in=submissions)
    values = values.select_related("submission__library").order_by("submission__library__name")
    by_element: dict[int, list[Value]] = {}
    for value in values:
        by_element.setdefault(value.element_id, []).append(value)
    return [
        _result(element, by_element.get(element.pk, []))
        for element in round_.form.elements.order_by("position")
    ]


def _result(element: DataElement, values: list[Value]) -> QuestionResult:
    answered = [v for v in values if v.status == "reported" and (v.number is not None or v.text)]
    result = QuestionResult(element, answered=len(answered))
    if element.value_type in ("choice", "multi_choice"):
        chosen = Counter(part for v in answered for part in v.text.split("|") if part)
        result.counts = [(c["value"], c["label"], chosen[c["value"]]) for c in element.choices]
    elif element.value_type == "boolean":
        yes = sum(1 for v in answered if v.number == 1)
        result.counts = [("1", "Có", yes), ("0", "Không", len(answered) - yes)]
    elif element.value_type == "scale":
        scale = Counter(int(v.number) for v in answered if v.number is not None)
        low, high = int(element.min_value or 1), int(element.max_value or 5)
        result.counts = [(str(n), str(n), scale[n]) for n in range(low, high + 1)]
        result.numbers = _summary([v.number for v in answered if v.number is not None])
    elif element.is_numeric:
        result.numbers = _summary([v.number for v in answered if v.number is not None])
    elif element.value_type == "text":
        result.texts = [(v.submission.library.name, v.text) for v in answered]
    return result


def _summary(numbers: list[Decimal]) -> dict[str, Decimal | int | None]:
    if not numbers:
        return {"count": 0, "sum": None, "mean": None, "median": None}
    return {
        "count": len(numbers),
        "sum": sum(numbers),
        "mean": sum(numbers) / len(numbers),
        "median": statistics.median(numbers),
    }
