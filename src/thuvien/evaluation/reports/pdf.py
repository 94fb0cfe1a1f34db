"""Evaluation reports as PDF: HTML templates rendered by WeasyPrint, with the DejaVu fonts
(Debian fonts-dejavu-core), which carry every Vietnamese letter, and the chart as SVG.

WeasyPrint needs Pango (Debian libpango-1.0-0); where it is missing the report says so
instead of failing with a traceback."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from thuvien.evaluation import presenting
from thuvien.evaluation.models import EvaluationRound, LibraryEvaluation
from thuvien.evaluation.reports.charts import Bar, Legend, bar_chart


class ReportUnavailable(RuntimeError):
    """PDF rendering is not possible on this machine ("vi / en")."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise ReportUnavailable(
            "Không tạo được PDF: thiếu WeasyPrint hoặc thư viện Pango (gói Debian "
            "libpango-1.0-0) / cannot make PDF: WeasyPrint or the Pango library (Debian "
            f"package libpango-1.0-0) is missing ({exc})"
        ) from exc
    return weasyprint


def chart_svg(evaluation: LibraryEvaluation, rows=None) -> str:
    rows = rows if rows is not None else presenting.indicator_rows(evaluation)
    bars = [Bar(f"{r.code}. {r.name}", r.raw_value, r.raw_median, r.value, r.median) for r in rows]
    legend = Legend(
        library=_("Thư viện này"),
        median=_("Trung vị nhóm so sánh"),
        missing=_("không tính được"),
        title=_("Chỉ số của thư viện và trung vị nhóm so sánh"),
    )
    return bar_chart(bars, legend)


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _render(template: str, context: dict) -> bytes:
    weasyprint = _weasyprint()
    html = render_to_string(template, context)
    return weasyprint.HTML(string=html).write_pdf()


def library_pdf(evaluation: LibraryEvaluation) -> bytes:
    rows = presenting.indicator_rows(evaluation)
    labels = presenting.rating_labels(evaluation.round)
    return _render(
        "evaluation/pdf/library.html",
        {
            "evaluation": evaluation,
            "rows": rows,
            "chart": _data_uri(chart_svg(evaluation, rows)),
            "state": presenting.STATES.get(evaluation.state, evaluation.state),
            "rating": labels.get(evaluation.rating, ""),
            "proposed": labels.get(evaluation.proposed_rating, ""),
            "final": labels.get(evaluation.final_rating, ""),
            "score": presenting.number(evaluation.score),
            "final_score": presenting.number(evaluation.final_score),
            "peer": presenting.peer_label(evaluation),
        },
    )


def round_pdf(round_: EvaluationRound, evaluations: list[LibraryEvaluation]) -> bytes:
    lines = presenting.summaries(round_, evaluations)
    return _render(
        "evaluation/pdf/round.html",
        {
            "round": round_,
            "groups": presenting.groups(lines),
            "heads": presenting.indicator_heads(round_),
        },
    )
