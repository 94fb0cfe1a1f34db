"""The statistics home: the rounds the user takes part in and the reports in their scope
(a library's own reports, a province's review queue, the whole country for the ministry)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from thuvien.accounts.permissions import Action, has_any_scope, province_ids_for
from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.stats import selectors
from thuvien.stats.forms import ReportFilterForm
from thuvien.stats.models.reports import SubmissionState
from thuvien.stats.services import aggregation
from thuvien.stats.views import labels

PAGE_SIZE = 50


def _provinces(user):
    """The province filter is offered to those who see the whole country."""
    if province_ids_for(user, Action.STATS_VIEW_REPORT) is not None:
        return []
    return list(
        AdminUnit.objects.filter(scheme=Scheme.V2025, level=Level.PROVINCE).order_by("name")
    )


def _filters(form: ReportFilterForm) -> selectors.ReportFilters:
    if not form.is_valid():
        return selectors.ReportFilters()
    data = form.cleaned_data
    return selectors.ReportFilters(
        round_id=data.get("round"), state=data.get("state") or "", province_id=data.get("province")
    )


def _queue(user) -> int | None:
    """Reports waiting for the user's review (None for those who do not review)."""
    if not has_any_scope(user, Action.STATS_REVIEW):
        return None
    return selectors.visible_reports(user).filter(state=SubmissionState.SUBMITTED).count()


@login_required
def index(request):
    if not has_any_scope(request.user, Action.STATS_VIEW_REPORT):
        raise PermissionDenied(
            "Bạn không có quyền xem báo cáo thống kê / you may not see statistics reports"
        )
    summaries = selectors.round_summaries(request.user)
    data = request.GET.copy()
    if "round" not in data and summaries:  # the newest round unless another is asked for
        data["round"] = str(summaries[0].round.pk)
    form = ReportFilterForm(
        data,
        rounds=[s.round for s in summaries],
        provinces=_provinces(request.user),
    )
    reports = selectors.report_list(request.user, _filters(form))
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "stats/index.html",
        {
            "summaries": [(s, aggregation.response(s.round)) for s in summaries],
            "titles": {s.round.pk: labels.round_title(s.round) for s in summaries},
            "states": labels.STATES,
            "state_order": SubmissionState.values,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "queue": _queue(request.user),
            "can_import": has_any_scope(request.user, Action.STATS_IMPORT),
            "can_manage": has_any_scope(request.user, Action.STATS_MANAGE_FORMS),
            "one_round": bool(form.is_valid() and form.cleaned_data.get("round")),
        },
    )
