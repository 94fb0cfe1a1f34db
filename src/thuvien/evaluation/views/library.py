"""One library's evaluation: its indicators with inputs, ratings, ranks and the peer
median (table and chart), the self-assessment form for the library, the review form for
the evaluating body, the trail and the downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thuvien.accounts.permissions import Action, Target, has_perm
from thuvien.evaluation import presenting, selectors
from thuvien.evaluation.models.rounds import SELF_EDITABLE, EvaluationState
from thuvien.evaluation.reports import pdf, xlsx
from thuvien.evaluation.services import workflow
from thuvien.evaluation.services.workflow import EvaluationError, Judgement
from thuvien.evaluation.views.rounds import _download, pdf_unavailable


def _mode(user, evaluation) -> str:
    """Which form the page shows: the library's self-assessment, the review, or none."""
    if evaluation.round.closed:
        return ""
    target = Target.for_library(evaluation.library)
    if evaluation.state in SELF_EDITABLE and has_perm(user, Action.EVALUATION_SELF_ASSESS, target):
        return "self"
    if evaluation.state == EvaluationState.SUBMITTED and workflow.may_review(user, evaluation):
        return "review"
    return ""


def render_evaluation(request, evaluation, *, status: int = 200, error: str = ""):
    rows = presenting.indicator_rows(evaluation)
    labels = presenting.rating_labels(evaluation.round)
    context = {
        "evaluation": evaluation,
        "round": evaluation.round,
        "round_title": presenting.round_title(evaluation.round),
        "rows": rows,
        "mode": _mode(request.user, evaluation),
        "ratings": [(code, label) for code, label in labels.items()],
        "rating": labels.get(evaluation.rating, ""),
        "proposed": labels.get(evaluation.proposed_rating, ""),
        "final": labels.get(evaluation.final_rating, ""),
        "score": presenting.number(evaluation.score),
        "final_score": presenting.number(evaluation.final_score),
        "coverage": presenting.number(evaluation.weight_share * 100, 0),
        "state_label": presenting.STATES.get(evaluation.state, evaluation.state),
        "peer": presenting.peer_label(evaluation),
        "chart": mark_safe(pdf.chart_svg(evaluation, rows)),  # escaped when drawn
        "events": evaluation.events.select_related("actor"),
        "steps": presenting.STEPS,
        "states": presenting.STATES,
        "error": error,
        "may_see_report": evaluation.submission_id
        and has_perm(
            request.user, Action.STATS_VIEW_REPORT, Target.for_library(evaluation.library)
        ),
    }
    return render(request, "evaluation/evaluation.html", context, status=status)


@login_required
def evaluation_page(request, pk: int):
    return render_evaluation(request, selectors.evaluation_for(request.user, pk))


def _judgements(post, codes) -> dict[str, Judgement]:
    found = {
        code: Judgement(post.get(f"rating-{code}", ""), post.get(f"comment-{code}", ""))
        for code in codes
    }
    found[""] = Judgement(post.get("rating-overall", ""), post.get("comment-overall", ""))
    return found


@login_required
@require_POST
def self_assess(request, pk: int):
    evaluation = selectors.evaluation_for(request.user, pk)
    codes = evaluation.results.values_list("indicator__code", flat=True)
    try:
        workflow.save_self_assessment(request.user, evaluation, _judgements(request.POST, codes))
        if "submit" in request.POST:
            workflow.submit_self_assessment(request.user, evaluation)
            messages.success(request, _("Đã gửi báo cáo tự đánh giá cho cơ quan đánh giá."))
        else:
            messages.success(request, _("Đã lưu tự đánh giá."))
    except EvaluationError as exc:
        evaluation.refresh_from_db()
        return render_evaluation(
            request, evaluation, status=400, error=presenting.in_language(str(exc))
        )
    return redirect("evaluation:evaluation", evaluation.pk)


@login_required
@require_POST
def review(request, pk: int):
    evaluation = selectors.evaluation_for(request.user, pk)
    codes = evaluation.results.values_list("indicator__code", flat=True)
    try:
        if "return" in request.POST:
            workflow.return_to_library(
                request.user, evaluation, request.POST.get("comment-overall", "")
            )
            messages.success(request, _("Đã trả lại thư viện."))
        else:
            workflow.conclude(request.user, evaluation, _judgements(request.POST, codes))
            messages.success(request, _("Đã kết luận đánh giá."))
    except EvaluationError as exc:
        evaluation.refresh_from_db()
        return render_evaluation(
            request, evaluation, status=400, error=presenting.in_language(str(exc))
        )
    return redirect("evaluation:evaluation", evaluation.pk)


@login_required
def evaluation_download(request, pk: int, kind: str):
    evaluation = selectors.evaluation_for(request.user, pk)
    name = f"danh-gia-{evaluation.round.year}-{evaluation.library.vn_id}"
    if kind == "xlsx":
        return _download(xlsx.library_workbook(evaluation), name, kind)
    if kind != "pdf":
        raise Http404
    try:
        return _download(pdf.library_pdf(evaluation), name, kind)
    except pdf.ReportUnavailable as exc:
        return pdf_unavailable(request, exc)
