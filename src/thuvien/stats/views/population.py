"""Population figures for the per-capita indicators: the figures the tables use, and a
table of provinces, years and populations to load (the ministry)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from thuvien.accounts.permissions import Action, has_any_scope
from thuvien.stats import selectors
from thuvien.stats.services.population import PopulationError, load_populations

MAX_UPLOAD = 5 * 1024 * 1024  # 34 provinces × many years is a few kilobytes


class PopulationForm(forms.Form):
    file = forms.FileField(label=_("Tệp CSV hoặc XLSX: các cột Tỉnh, Năm, Dân số, Nguồn"))
    source = forms.CharField(
        label=_("Nguồn cho các dòng không ghi nguồn (không bắt buộc)"),
        required=False,
        max_length=255,
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp lớn quá 5 MB"))
        return uploaded


@login_required
def population(request):
    if not has_any_scope(request.user, Action.STATS_MANAGE_FORMS):
        raise PermissionDenied(
            "Bạn không có quyền quản lý số dân / you may not manage population figures"
        )
    form = PopulationForm(request.POST or None, request.FILES or None)
    report, problem = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            report = _load(request.user, form.cleaned_data)
        except PopulationError as exc:
            problem = str(exc)
        else:
            form = PopulationForm()
    context = {
        "form": form,
        "report": report,
        "problem": problem,
        "figures": selectors.population_table(),
    }
    return render(request, "stats/population.html", context)


def _load(user, data):
    uploaded = data["file"]
    suffix = Path(uploaded.name).suffix.lower()[:8]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        for chunk in uploaded.chunks():
            copy.write(chunk)
        copy.flush()
        return load_populations(
            user, Path(copy.name), source=data["source"], file_name=uploaded.name
        )
