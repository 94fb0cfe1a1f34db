"""Ingest pages: upload a file of records, follow the batch, fix quarantined records."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thuvien.accounts.permissions import Action, Target, has_any_scope, has_perm, library_ids_for
from thuvien.catalog.marc.tabular import TARGETS
from thuvien.catalog.models import IngestBatch, QuarantinedRecord
from thuvien.catalog.models.ingest import IngestMode
from thuvien.catalog.services.batches import (
    IngestError,
    create_batch,
    retry_quarantined,
    set_mapping,
    start_batch,
)
from thuvien.catalog.services.tables import TABULAR_FORMATS, table_columns
from thuvien.registry.models import Library


def _libraries_for(user):
    if has_perm(user, Action.CATALOG_INGEST):
        return Library.objects.order_by("name")
    return Library.objects.filter(pk__in=library_ids_for(user, Action.CATALOG_INGEST))


class UploadForm(forms.Form):
    library = forms.ModelChoiceField(
        label=gettext_lazy("Thư viện đóng góp"), queryset=Library.objects.none()
    )
    source = forms.SlugField(
        label=gettext_lazy("Mã nguồn"),
        initial="default",
        help_text=gettext_lazy("Mỗi nguồn được cập nhật tại chỗ khi nạp lại"),
    )
    mode = forms.ChoiceField(label=gettext_lazy("Cách nạp"), choices=IngestMode.choices)
    file = forms.FileField(label=gettext_lazy("Tệp MARC 21, MARCXML, MARC-in-JSON, Dublin Core"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = _libraries_for(user)


@login_required
def ingest_list(request):
    if not has_any_scope(request.user, Action.CATALOG_INGEST):
        raise PermissionDenied(_("Bạn không được nạp biểu ghi vào mục lục."))
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = create_batch(
                request.user,
                form.cleaned_data["library"],
                upload,
                upload.name,
                source_code=form.cleaned_data["source"],
                mode=form.cleaned_data["mode"],
            )
        except IngestError as exc:
            form.add_error("file", str(exc))
        else:
            if batch.file_format in TABULAR_FORMATS:  # a spreadsheet: map its columns first
                return redirect("catalog:batch", batch.pk)
            job = start_batch(request.user, batch)
            return redirect("ops:job", job.pk)
    libraries = _libraries_for(request.user)
    batches = IngestBatch.objects.filter(source__library__in=libraries).select_related(
        "source__library"
    )[:50]
    return render(request, "catalog/ingest_list.html", {"form": form, "batches": batches})


def _batch_for(request, pk: int) -> IngestBatch:
    batch = get_object_or_404(IngestBatch.objects.select_related("source__library"), pk=pk)
    if not has_perm(request.user, Action.CATALOG_INGEST, Target.for_library(batch.source.library)):
        raise PermissionDenied(_("Bạn không được xem đợt nạp này."))
    return batch


@login_required
def batch_detail(request, pk: int):
    batch = _batch_for(request, pk)
    tabular = batch.file_format in TABULAR_FORMATS
    if request.method == "POST" and tabular and batch.job_id is None:
        return _map_and_start(request, batch)
    columns = table_columns(Path(batch.file.path), batch.file_format) if tabular else []
    return render(
        request,
        "catalog/batch.html",
        {
            "batch": batch,
            "records": batch.counts.get("records", {}),
            "conversions": batch.counts.get("conversions", {}),
            "quarantine": batch.quarantine.all()[:500],
            "columns": columns,
            "targets": TARGETS,
            "needs_mapping": tabular and batch.job_id is None,
        },
    )


def _map_and_start(request, batch: IngestBatch):
    columns = table_columns(Path(batch.file.path), batch.file_format)
    mapping = {
        c: request.POST[f"map-{i}"] for i, c in enumerate(columns) if request.POST.get(f"map-{i}")
    }
    try:
        set_mapping(request.user, batch, mapping)
    except IngestError as exc:
        messages.error(request, str(exc))
        return redirect("catalog:batch", batch.pk)
    job = start_batch(request.user, batch)
    return redirect("ops:job", job.pk)


@login_required
def quarantine_detail(request, pk: int, position: int):
    from thuvien.catalog.marc.mnemonic import MnemonicError, from_mnemonic
    from thuvien.catalog.marc.writers import to_iso2709

    batch = _batch_for(request, pk)
    item = get_object_or_404(QuarantinedRecord, batch=batch, position=position)
    text = request.POST.get("corrected", "")
    if request.method == "POST":
        try:
            data = None
            if text.strip():
                data = (
                    text.encode()
                    if text.lstrip().startswith("<")
                    else to_iso2709(from_mnemonic(text))
                )
            record = retry_quarantined(request.user, item, data)
        except (IngestError, MnemonicError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã nạp biểu ghi."))
            return redirect("catalog:record", record.pk)
    raw_text = bytes(item.raw).decode("utf-8", errors="replace")
    return render(
        request,
        "catalog/quarantine.html",
        {
            "batch": batch,
            "item": item,
            "raw_text": raw_text,
            "corrected": text,
        },
    )
