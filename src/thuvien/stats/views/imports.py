"""Importing many libraries' figures from a spreadsheet: the upload page queues the import
as a background job (its page shows progress and the report); the rejected rows come back as
a CSV that can be fixed and imported again."""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from thuvien.accounts.permissions import Action, has_any_scope
from thuvien.ops.models import Job
from thuvien.stats.importing.options import Mapping, SetupError, parse_mapping
from thuvien.stats.models import ReportingRound
from thuvien.stats.services.imports import StatsImportError, error_file, start_import


class ImportForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("Đợt báo cáo"), queryset=ReportingRound.objects.filter(closed=False)
    )
    file = forms.FileField(
        label=_(
            "Tệp CSV hoặc XLSX: mỗi dòng một thư viện, cột mã định danh VN-… và các cột mã chỉ tiêu"
        )
    )
    mapping = forms.FileField(label=_("Bảng ánh xạ cột (JSON, không bắt buộc)"), required=False)
    approve = forms.BooleanField(
        label=_("Số liệu đã được kiểm tra: ghi là đã duyệt"), required=False
    )

    def clean_mapping(self) -> Mapping:
        uploaded = self.cleaned_data.get("mapping")
        if not uploaded:
            return Mapping()
        try:
            return parse_mapping(json.loads(uploaded.read().decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise forms.ValidationError(
                _("Bảng ánh xạ không phải JSON hợp lệ / the mapping is not valid JSON")
            ) from exc
        except SetupError as exc:
            raise forms.ValidationError(str(exc)) from exc


@login_required
def upload(request):
    if not has_any_scope(request.user, Action.STATS_IMPORT):
        raise PermissionDenied("Bạn không có quyền nhập số liệu / you may not import figures")
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = start_import(
                request.user,
                data["round"],
                data["file"],
                data["file"].name,
                data["mapping"],
                approve=data["approve"],
            )
        except StatsImportError as exc:
            problems = exc.problems
        else:
            return redirect("ops:job", pk=job.pk)
    return render(request, "stats/import.html", {"form": form, "problems": problems})


@login_required
def rejected_rows(request, pk):
    job = get_object_or_404(Job, pk=pk)
    try:
        path = error_file(request.user, job)
    except ValueError as exc:
        raise Http404 from exc
    if path is None or not path.exists():
        raise Http404("Không có dòng bị từ chối / no rejected rows")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"loi-{path.name}")
