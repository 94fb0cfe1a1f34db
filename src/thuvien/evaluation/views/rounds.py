"""The evaluation rounds a user takes part in, one round with its libraries ranked within
their peer groups (BIX style), its recomputation and its reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thuvien.accounts.permissions import Action, Target, has_any_scope, has_perm
from thuvien.evaluation import presenting, selectors
from thuvien.evaluation.models import Programme
from thuvien.evaluation.reports import pdf, xlsx
from thuvien.evaluation.services.compute import recompute as recompute_round

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_viewer(user) -> None:
    if not has_any_scope(user, Action.EVALUATION_VIEW):
        raise PermissionDenied(
            _("Bạn không có quyền xem kết quả đánh giá / You may not see evaluations")
        )


@login_required
def index(request):
    _require_viewer(request.user)
    rounds = selectors.visible_rounds(request.user).order_by("-year", "body__name", "pk")
    counts = {}
    for evaluation in selectors.visible_evaluations(request.user).filter(round__in=rounds):
        tally = counts.setdefault(evaluation.round_id, {"total": 0, "concluded": 0, "sent": 0})
        tally["total"] += 1
        tally["concluded"] += evaluation.state == "concluded"
        tally["sent"] += evaluation.state in ("submitted", "concluded")
    return render(
        request,
        "evaluation/index.html",
        {
            "rounds": [(r, presenting.round_title(r), counts.get(r.pk, {})) for r in rounds],
            "programmes": Programme.objects.order_by("code"),
            "can_open": has_any_scope(request.user, Action.EVALUATION_MANAGE),
        },
    )


@login_required
def round_page(request, pk: int):
    round_ = selectors.round_for(request.user, pk)
    evaluations = selectors.round_evaluations(request.user, round_)
    lines = presenting.summaries(round_, evaluations)
    return render(
        request,
        "evaluation/round.html",
        {
            "round": round_,
            "round_title": presenting.round_title(round_),
            "set_name": presenting.pick(round_.criteria_set.name, round_.criteria_set.name_en),
            "body_name": presenting.pick(round_.body.name, round_.body.name_en),
            "groups": presenting.groups(lines),
            "heads": presenting.indicator_heads(round_),
            "ratings": round_.criteria_set.ratings,
            "rating_labels": presenting.rating_labels(round_),
            "may_manage": has_perm(
                request.user, Action.EVALUATION_MANAGE, Target.for_province(round_.body.province_id)
            ),
        },
    )


@login_required
@require_POST
def recompute(request, pk: int):
    round_ = selectors.round_for(request.user, pk)
    computed = recompute_round(request.user, round_)
    messages.success(
        request,
        _("Đã tính lại chỉ số của %(n)s thư viện từ số liệu thống kê đã duyệt.") % {"n": computed},
    )
    return redirect("evaluation:round", round_.pk)


def _download(content: bytes, name: str, kind: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX if kind == "xlsx" else "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def pdf_unavailable(request, exc: pdf.ReportUnavailable) -> HttpResponse:
    return render(
        request,
        "evaluation/unavailable.html",
        {"reason": presenting.in_language(str(exc))},
        status=503,
    )


@login_required
def round_download(request, pk: int, kind: str):
    round_ = selectors.round_for(request.user, pk)
    evaluations = selectors.round_evaluations(request.user, round_)
    name = f"danh-gia-{round_.year}-{round_.pk}"
    if kind == "xlsx":
        return _download(xlsx.round_workbook(round_, evaluations), name, kind)
    if kind != "pdf":
        raise Http404
    try:
        return _download(pdf.round_pdf(round_, evaluations), name, kind)
    except pdf.ReportUnavailable as exc:
        return pdf_unavailable(request, exc)
