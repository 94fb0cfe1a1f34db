"""Staff pages: run and follow ingest batches, look after the preservation store."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from thuvien.accounts.permissions import Action, Target, has_any_scope, has_perm, library_ids_for
from thuvien.digital.models import (
    AccessLevel,
    Collection,
    DigitalBatch,
    FixityAudit,
    PreservationEvent,
)
from thuvien.digital.services import paths
from thuvien.digital.services.batches import create_batch, start_batch
from thuvien.ops.jobs import start_job
from thuvien.registry.models import Library

UPLOAD_SUFFIXES = (".zip",)


def _libraries_for(user):
    if has_perm(user, Action.DIGITAL_INGEST):
        return Library.objects.order_by("name")
    return Library.objects.filter(pk__in=library_ids_for(user, Action.DIGITAL_INGEST))


class BatchForm(forms.Form):
    library = forms.ModelChoiceField(
        label=gettext_lazy("Thư viện"), queryset=Library.objects.none()
    )
    collection = forms.ModelChoiceField(
        label=gettext_lazy("Bộ sưu tập"), queryset=Collection.objects.none(), required=False
    )
    access = forms.ChoiceField(
        label=gettext_lazy("Quyền truy cập mặc định"), choices=AccessLevel.choices
    )
    ocr = forms.BooleanField(
        label=gettext_lazy("Nhận dạng chữ (OCR)"), initial=True, required=False
    )
    file = forms.FileField(
        label=gettext_lazy("Tệp ZIP hoặc túi BagIt nén ZIP"),
        help_text=gettext_lazy(
            "Ảnh trang (TIFF, JPEG, JPEG 2000, PNG) hoặc PDF; kèm manifest.csv/manifest.xlsx "
            "hoặc mỗi thư mục là một tài liệu"
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        libraries = _libraries_for(user)
        self.fields["library"].queryset = libraries
        self.fields["collection"].queryset = Collection.objects.filter(library__in=libraries)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(
                _("Chỉ nhận tệp ZIP (ảnh trang, PDF, túi BagIt) / Only ZIP files are accepted")
            )
        return upload


def _store_upload(upload) -> Path:
    target = paths.upload_dir() / f"{uuid.uuid4().hex}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


@login_required
def batches(request):
    if not has_any_scope(request.user, Action.DIGITAL_INGEST):
        raise PermissionDenied(_("Bạn không được nạp tài nguyên số."))
    form = BatchForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        stored = _store_upload(data["file"])
        try:
            batch = create_batch(
                request.user,
                data["library"],
                stored,
                original_name=data["file"].name,
                collection=data["collection"],
                access=data["access"],
                ocr=data["ocr"],
                uploaded=True,
            )
        except ValueError as exc:
            stored.unlink(missing_ok=True)
            form.add_error("collection", str(exc))
        else:
            start_batch(request.user, batch)
            return redirect("digital:batch", batch.pk)
    listed = DigitalBatch.objects.filter(library__in=_libraries_for(request.user))
    return render(
        request,
        "digital/batches.html",
        {"form": form, "batches": listed.select_related("library", "job")[:50]},
    )


@login_required
def batch_detail(request, pk):
    batch = get_object_or_404(DigitalBatch.objects.select_related("library", "job"), pk=pk)
    if not has_perm(request.user, Action.DIGITAL_INGEST, Target.for_library(batch.library)):
        raise PermissionDenied(_("Bạn không được xem đợt nạp này."))
    objects = batch.digital_objects.order_by("pk").prefetch_related("pages")
    template = (
        "digital/_batch_status.html"
        if request.headers.get("HX-Request")
        else ("digital/batch.html")
    )
    return render(request, template, {"batch": batch, "objects": objects})


@login_required
def preservation(request):
    if not has_perm(request.user, Action.DIGITAL_PRESERVE):
        raise PermissionDenied(_("Bạn không được quản lý kho bảo quản."))
    context = {
        "audits": FixityAudit.objects.all()[:20],
        "events": PreservationEvent.objects.order_by("-when", "-id")[:50],
        "failures": PreservationEvent.objects.filter(outcome="failure").order_by("-when")[:20],
        "primary": paths.primary_root().path,
        "replica": paths.replica_root().path,
        "disk": shutil.disk_usage(paths.primary_root().path),
    }
    return render(request, "digital/preservation.html", context)


@login_required
@require_POST
def start_audit(request):
    if not has_perm(request.user, Action.DIGITAL_PRESERVE):
        raise PermissionDenied(_("Bạn không được quản lý kho bảo quản."))
    everything = request.POST.get("all") == "1"
    job = start_job(
        "digital.audit", _("Kiểm tra toàn vẹn kho bảo quản"), {"all": everything}, user=request.user
    )
    messages.info(request, _("Đã xếp lịch kiểm tra toàn vẹn."))
    return redirect("ops:job", job.pk)
