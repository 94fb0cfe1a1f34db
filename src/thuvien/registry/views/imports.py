"""Bulk import pages: upload, map columns, preview with row errors and matches, commit."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thuvien.accounts.permissions import Action, has_perm
from thuvien.ops.models import Job
from thuvien.registry.importing.fields import TARGETS
from thuvien.registry.models import ImportBatch, ImportRow, Library
from thuvien.registry.models.imports import RowOutcome
from thuvien.registry.services import LibraryDataError
from thuvien.registry.services import imports as service

DEFAULT_TARGETS = ("country", "library_type", "level", "ownership", "region")


def _require(request) -> None:
    if not has_perm(request.user, Action.REGISTRY_IMPORT):
        raise PermissionDenied(_("Chỉ Bộ và Thư viện Quốc gia được nhập dữ liệu hàng loạt."))


@login_required
def import_list(request):
    _require(request)
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        try:
            batch = service.upload_import(request.user, upload, upload.name)
        except LibraryDataError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("registry:import_detail", batch.pk)
    batches = ImportBatch.objects.select_related("created_by")[:50]
    return render(request, "registry/import_list.html", {"batches": batches})


def _jobs_of(batch: ImportBatch):
    return Job.objects.filter(kind__startswith="registry.import_", params__batch=batch.pk)


@login_required
def import_detail(request, pk: int):
    _require(request)
    batch = get_object_or_404(ImportBatch, pk=pk)
    if request.method == "POST":
        return _save_mapping(request, batch)
    outcome = request.GET.get("outcome", "")
    rows = batch.rows.order_by("number")
    if outcome in RowOutcome.values:
        rows = rows.filter(outcome=outcome)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    keys = {c["key"] for row in page for c in row.candidates} | {
        row.parsed.get("target", "") for row in page
    }
    names = dict(Library.objects.filter(vn_id__in=keys).values_list("vn_id", "name"))
    context = {
        "batch": batch,
        "targets": TARGETS,
        "default_targets": DEFAULT_TARGETS,
        "columns": batch.report.get("columns", []),
        "sample": batch.report.get("sample", []),
        "summary": service.summary(batch),
        "page": page,
        "outcome": outcome,
        "outcomes": [(v, label) for v, label in RowOutcome.choices if v != RowOutcome.PENDING],
        "jobs": _jobs_of(batch)[:5],
        "names": names,
    }
    return render(request, "registry/import_detail.html", context)


def _save_mapping(request, batch: ImportBatch):
    columns = batch.report.get("columns", [])
    mapping = {
        c: request.POST[f"map-{i}"] for i, c in enumerate(columns) if request.POST.get(f"map-{i}")
    }
    defaults = {
        t: request.POST[f"default-{t}"].strip()
        for t in (*DEFAULT_TARGETS, "identifier_scheme", "event_date")
        if request.POST.get(f"default-{t}", "").strip()
    }
    try:
        service.set_mapping(request.user, batch, mapping, defaults)
    except LibraryDataError as exc:
        messages.error(request, str(exc))
        return redirect("registry:import_detail", batch.pk)
    job = service.start_preview(request.user, batch)
    return redirect("ops:job", job.pk)


@login_required
@require_POST
def import_commit(request, pk: int):
    _require(request)
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        job = service.start_commit(request.user, batch)
    except LibraryDataError as exc:
        messages.error(request, str(exc))
        return redirect("registry:import_detail", batch.pk)
    return redirect("ops:job", job.pk)


@login_required
@require_POST
def import_decide(request, pk: int, number: int):
    _require(request)
    row = get_object_or_404(ImportRow, batch_id=pk, number=number)
    try:
        service.decide_row(request.user, row, request.POST.get("decision", ""))
    except LibraryDataError as exc:
        messages.error(request, str(exc))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("registry:import_detail", args=[pk]) + "?outcome=review"
    return redirect(next_url)


@login_required
def import_errors(request, pk: int):
    """The rows that could not be read, with their errors, to fix and import again."""
    _require(request)
    batch = get_object_or_404(ImportBatch, pk=pk)
    columns = batch.report.get("columns", [])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="loi-nhap-{batch.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["row", "errors", *columns])
    for row in batch.rows.filter(outcome=RowOutcome.ERROR).order_by("number"):
        errors = "; ".join(f"{e['column']}: {e['message']}" for e in row.errors)
        writer.writerow([row.number, errors, *[row.raw.get(c, "") for c in columns]])
    return response
