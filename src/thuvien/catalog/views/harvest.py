"""Harvest sources from the web: a library's staff (or NLV and the ministry, for any library)
sets up where its records are harvested from, sees the last runs, and starts one now; the
scheduler (`thuvien catalog_harvest --all-due`) runs the enabled ones on their interval."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from thuvien.accounts.permissions import (
    Action,
    Target,
    has_any_scope,
    has_perm,
    library_ids_for,
    province_ids_for,
)
from thuvien.catalog.harvest.errors import HarvestError
from thuvien.catalog.models import HarvestSource
from thuvien.catalog.models.harvest import HarvestProtocol
from thuvien.catalog.services.harvest.sources import configure_harvest, start_harvest


class HarvestForm(forms.Form):
    library = forms.CharField(label=_("Mã định danh thư viện (VN-…)"), max_length=14)
    protocol = forms.ChoiceField(label=_("giao thức"), choices=HarvestProtocol.choices)
    endpoint = forms.CharField(
        label=_("địa chỉ máy chủ"),
        required=False,
        max_length=500,
        help_text=_("URL OAI-PMH/SRU hoặc máy:cổng/CSDL Z39.50; trống: địa chỉ trong danh bạ"),
    )
    set_spec = forms.CharField(label=_("tập (set) OAI-PMH"), required=False, max_length=255)
    query = forms.CharField(
        label=_("truy vấn"),
        required=False,
        max_length=1000,
        help_text=_("CQL cho SRU, PQF cho Z39.50; trống: mọi biểu ghi"),
    )
    interval_days = forms.IntegerField(label=_("Chu kỳ (ngày)"), min_value=1, max_value=365)
    enabled = forms.BooleanField(label=_("thu thập theo lịch"), required=False)


def _managed(user):
    """The harvest sources the user may manage."""
    sources = HarvestSource.objects.select_related("source__library").order_by(
        "source__library__name"
    )
    if province_ids_for(user, Action.CATALOG_INGEST) is None:
        return sources
    return sources.filter(source__library_id__in=library_ids_for(user, Action.CATALOG_INGEST))


@login_required
def harvest_list(request):
    if not has_any_scope(request.user, Action.CATALOG_INGEST):
        raise PermissionDenied("Bạn không có quyền thu thập / you may not set up harvests")
    form = HarvestForm(request.POST or None, initial={"interval_days": 1, "enabled": True})
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            harvest = _save(request.user, form.cleaned_data)
        except HarvestError as exc:
            problem = str(exc)
        else:
            return redirect(f"{request.path}#h-{harvest.pk}")
    rows = [(h, h.runs.order_by("-started_at").first()) for h in _managed(request.user)]
    return render(request, "catalog/harvest.html", {"form": form, "rows": rows, "problem": problem})


def _save(user, data) -> HarvestSource:
    from thuvien.registry.models import Library

    library = Library.objects.filter(vn_id=data["library"].strip().upper()).first()
    if library is None:
        raise HarvestError(
            f"Không có thư viện {data['library']!r}", f"No library {data['library']!r}"
        )
    if not has_perm(user, Action.CATALOG_INGEST, Target.for_library(library)):
        raise PermissionDenied("Bạn không quản lý thư viện này / not your library")
    return configure_harvest(
        user,
        library,
        data["protocol"],
        endpoint=data["endpoint"].strip(),
        set_spec=data["set_spec"].strip(),
        query=data["query"].strip(),
        interval=timedelta(days=data["interval_days"]),
        enabled=data["enabled"],
    )


@login_required
@require_POST
def harvest_now(request, pk: int):
    harvest = get_object_or_404(_managed(request.user), pk=pk)
    job = start_harvest(request.user, harvest, full=request.POST.get("full") == "1")
    return redirect("ops:job", pk=job.pk)
