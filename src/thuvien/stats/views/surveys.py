"""Survey results: who answered, and per question the distribution of answers with a chart,
over the responses the user may see (a province office: its province's)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from thuvien.accounts.permissions import Action, has_any_scope
from thuvien.stats import charts, selectors
from thuvien.stats.models import ReportingRound
from thuvien.stats.models.forms import FormKind
from thuvien.stats.services import surveys
from thuvien.stats.views.labels import english


@login_required
def results(request, pk: int):
    if not has_any_scope(request.user, Action.STATS_VIEW_REPORT):
        raise PermissionDenied("Bạn không có quyền xem khảo sát / you may not see surveys")
    round_ = get_object_or_404(ReportingRound, pk=pk, form__kind=FormKind.SURVEY)
    visible = selectors.visible_reports(request.user).filter(round=round_)
    questions = [(result, _chart(result)) for result in surveys.survey_results(round_, visible)]
    sections: dict[str, list] = {}
    for result, chart in questions:
        sections.setdefault(result.element.section, []).append((result, chart))
    return render(
        request,
        "stats/survey_results.html",
        {
            "round": round_,
            "response": surveys.response_counts(round_, visible),
            "sections": sections,
            "waiting": visible.filter(state__in=("not_started", "draft", "returned")).order_by(
                "library__name"
            ),
        },
    )


def _chart(result: surveys.QuestionResult) -> str:
    if not result.counts:
        return ""
    element = result.element
    label = element.label_en if english() and element.label_en else element.label
    labels = {c["value"]: c.get("label_en") if english() else c["label"] for c in element.choices}
    items = [(labels.get(value) or shown, n) for value, shown, n in result.counts]
    return charts.bar_chart(items, f"{element.code}. {label}", width=560)
