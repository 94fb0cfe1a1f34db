"""What the pages, the PDF and the XLSX show: rows with labels in the page's language and
numbers formatted for it (Vietnamese 1.234,5; English 1,234.5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thuvien.evaluation.models import EvaluationRound, LibraryEvaluation
from thuvien.registry.choices import LibraryType, PublicLevel

STATES = {
    "open": _("Chờ tự đánh giá"),
    "draft": _("Đang tự đánh giá"),
    "submitted": _("Đã gửi tự đánh giá"),
    "returned": _("Trả lại thư viện"),
    "concluded": _("Đã kết luận"),
}
STEPS = {
    "start": _("Bắt đầu tự đánh giá"),
    "submit": _("Gửi tự đánh giá"),
    "return": _("Trả lại"),
    "conclude": _("Kết luận"),
}
DIRECTIONS = {"higher": _("cao hơn là tốt hơn"), "lower": _("thấp hơn là tốt hơn")}


def english() -> bool:
    return (get_language() or "vi").startswith("en")


def pick(vi: str, en: str) -> str:
    """The English text on English pages when there is one."""
    return en if english() and en else vi


def in_language(message: str) -> str:
    """A service's "vi / en" message in the page's language (the part for it)."""
    if " / " not in message:
        return message
    vi, en = (part.strip() for part in message.split(" / ", 1))
    part = en if english() else vi
    return part[:1].upper() + part[1:]


def number(value: Decimal | None, decimals: int = 2) -> str:
    """Grouped by thousands in both languages (Django's Vietnamese format has no grouping
    size, so it is given here)."""
    if value is None:
        return "—"
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def round_title(round_: EvaluationRound) -> str:
    """The round's title; on English pages the English names when the title is the default
    one (the set's name, the body's name and the year)."""
    criteria_set, body = round_.criteria_set, round_.body
    default = f"{criteria_set.name} – {body.name} – {round_.year}"
    if english() and round_.title == default:
        names = pick(criteria_set.name, criteria_set.name_en), pick(body.name, body.name_en)
        return f"{names[0]} – {names[1]} – {round_.year}"
    return round_.title


def rating_labels(round_: EvaluationRound) -> dict[str, str]:
    return {r["code"]: pick(r["label"], r.get("label_en", "")) for r in round_.criteria_set.ratings}


def peer_label(evaluation: LibraryEvaluation) -> str:
    if evaluation.peer_group_label:
        return evaluation.peer_group_label
    kind = dict(LibraryType.choices).get(evaluation.library.library_type, "")
    level = dict(PublicLevel.choices).get(evaluation.library.level, "")
    return f"{kind} · {level}" if level else str(kind)


@dataclass
class IndicatorRow:
    code: str
    name: str
    formula: str
    unit: str
    direction: str
    weight: Decimal
    value: str
    raw_value: Decimal | None
    median: str
    raw_median: Decimal | None
    inputs: list[tuple[str, str]]
    problem: str
    rating: str
    rating_code: str
    rank: int | None
    peer_count: int
    proposed: str
    proposed_code: str
    self_comment: str
    final: str
    final_code: str
    review_comment: str
    ref: str = ""


def indicator_rows(evaluation: LibraryEvaluation) -> list[IndicatorRow]:
    labels = rating_labels(evaluation.round)
    rows = []
    results = evaluation.results.select_related("indicator").order_by("indicator__position")
    for r in results:
        ind = r.indicator
        rows.append(
            IndicatorRow(
                code=ind.code,
                name=pick(ind.name, ind.name_en),
                ref=ind.ref,
                formula=ind.formula,
                unit=pick(ind.unit, ind.unit_en),
                direction=str(DIRECTIONS.get(ind.direction, "")),
                weight=ind.weight.normalize(),
                value=number(r.value, ind.decimals),
                raw_value=r.value,
                median=number(r.peer_median, ind.decimals),
                raw_median=r.peer_median,
                inputs=[
                    (c, "—" if v is None else number(Decimal(v), _places(v)))
                    for c, v in r.inputs.items()
                ],
                problem=in_language(r.problem),
                rating=labels.get(r.rating, ""),
                rating_code=r.rating,
                rank=r.rank,
                peer_count=r.peer_count,
                proposed=labels.get(r.proposed_rating, ""),
                proposed_code=r.proposed_rating,
                self_comment=r.self_comment,
                final=labels.get(r.final_rating, ""),
                final_code=r.final_rating,
                review_comment=r.review_comment,
            )
        )
    return rows


def _places(text: str) -> int:
    """Figures as entered: no trailing zeros of the stored scale (1.500,5 not 1.500,5000)."""
    value = Decimal(text).normalize()
    return max(0, -value.as_tuple().exponent)


@dataclass
class Summary:
    """One library's line in a round."""

    evaluation: LibraryEvaluation
    name: str
    province: str
    state: str
    score: str
    rating: str
    rank: int | None
    peer_count: int
    coverage: str
    proposed: str
    final: str
    final_score: str
    values: list[tuple[str, int | None]] = field(default_factory=list)  # per indicator


def summaries(round_: EvaluationRound, evaluations: list[LibraryEvaluation]) -> list[Summary]:
    labels = rating_labels(round_)
    by_evaluation = _values_by_evaluation(evaluations)
    return [
        Summary(
            evaluation=e,
            name=e.library.name,
            province=e.library.province.name if e.library.province else "",
            state=str(STATES.get(e.state, e.state)),
            score=number(e.score),
            rating=labels.get(e.rating, ""),
            rank=e.rank,
            peer_count=e.peer_count,
            coverage=number(e.weight_share * 100, 0) + " %",
            proposed=labels.get(e.proposed_rating, ""),
            final=labels.get(e.final_rating, ""),
            final_score=number(e.final_score),
            values=by_evaluation.get(e.pk, []),
        )
        for e in evaluations
    ]


def _values_by_evaluation(evaluations) -> dict[int, list[tuple[str, int | None]]]:
    from thuvien.evaluation.models import IndicatorResult

    rows = IndicatorResult.objects.filter(evaluation__in=evaluations).select_related("indicator")
    found: dict[int, list] = {}
    for r in rows.order_by("evaluation_id", "indicator__position"):
        found.setdefault(r.evaluation_id, []).append(
            (number(r.value, r.indicator.decimals), r.rank)
        )
    return found


def groups(rows: list[Summary]) -> list[tuple[str, list[Summary]]]:
    """Summaries by peer group (the largest group first), rows in the order given."""
    out: dict[str, tuple[str, list[Summary]]] = {}
    for row in rows:
        key = row.evaluation.peer_group
        out.setdefault(key, (peer_label(row.evaluation), []))[1].append(row)
    return sorted(out.values(), key=lambda group: (-len(group[1]), group[0]))


def indicator_heads(round_: EvaluationRound) -> list[dict]:
    return [
        {
            "code": ind.code,
            "name": pick(ind.name, ind.name_en),
            "unit": pick(ind.unit, ind.unit_en),
            "direction": ind.direction,
            "direction_label": str(DIRECTIONS.get(ind.direction, "")),
            "weight": ind.weight.normalize(),
        }
        for ind in round_.criteria_set.indicators.order_by("position")
    ]
