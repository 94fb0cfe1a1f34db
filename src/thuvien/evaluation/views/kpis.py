"""The programme KPIs page: each KPI's value for a year against its target, the libraries
counted and left out, and the response rate."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thuvien.accounts.permissions import Action, has_any_scope, province_ids_for
from thuvien.evaluation import presenting
from thuvien.evaluation.models import Programme
from thuvien.evaluation.services.kpis import programme_results


class KpiFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Chương trình"), queryset=Programme.objects.order_by("code")
    )
    year = forms.IntegerField(label=gettext_lazy("Năm số liệu"), min_value=2000, max_value=2100)
    province = forms.ChoiceField(label=gettext_lazy("Tỉnh/thành phố"), required=False)

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("Cả nước"))] + [
            (str(p.pk), p.name) for p in provinces
        ]


def _provinces(user):
    from thuvien.geo.models import AdminUnit, Level, Scheme

    units = AdminUnit.objects.filter(scheme=Scheme.V2025, level=Level.PROVINCE).order_by("name")
    allowed = province_ids_for(user, Action.EVALUATION_VIEW)
    return list(units if allowed is None else units.filter(pk__in=allowed))


def _scope(user, form) -> int | None:
    """A province officer sees their province's figures; the ministry any, or the nation."""
    allowed = province_ids_for(user, Action.EVALUATION_VIEW)
    chosen = form.cleaned_data.get("province") if form.is_valid() else ""
    if allowed is None:
        return int(chosen) if chosen else None
    if not allowed:
        raise PermissionDenied(
            _("Chỉ tiêu chương trình dành cho cơ quan quản lý / Programme KPIs are for authorities")
        )
    return int(chosen) if chosen and int(chosen) in allowed else min(allowed)


def _latest_counted_year() -> int:
    """The newest year with an approved or certified statistics report (this year if none):
    the page opens on figures, not on an empty year."""
    from thuvien.stats.models import Submission
    from thuvien.stats.models.reports import COUNTED_STATES

    latest = (
        Submission.objects.filter(state__in=COUNTED_STATES, round__form__kind="statistics")
        .order_by("-round__year")
        .values_list("round__year", flat=True)
        .first()
    )
    return latest or timezone.localdate().year


@login_required
def kpis(request):
    if not has_any_scope(request.user, Action.EVALUATION_VIEW):
        raise PermissionDenied(_("Bạn không có quyền xem / You may not see this page"))
    provinces = _provinces(request.user)
    first = Programme.objects.order_by("code").first()
    initial = {"programme": first.pk if first else None, "year": _latest_counted_year()}
    form = KpiFilterForm(request.GET or initial, provinces=provinces)
    province_id = _scope(request.user, form)
    programme, year, results = None, initial["year"], []
    if form.is_valid():
        programme, year = form.cleaned_data["programme"], form.cleaned_data["year"]
        results = programme_results(programme, year, province_id)
    return render(
        request,
        "evaluation/kpis.html",
        {
            "form": form,
            "programme": programme,
            "programme_name": presenting.pick(programme.name, programme.name_en)
            if programme
            else "",
            "year": year,
            "province": next((p for p in provinces if p.pk == province_id), None),
            "results": [_shown(r) for r in results],
        },
    )


def _shown(result) -> dict:
    kpi = result.kpi
    return {
        "result": result,
        "name": presenting.pick(kpi.name, kpi.name_en),
        "note": presenting.pick(kpi.note, kpi.note_en),
        "value": presenting.number(result.value, 1),
        "target": presenting.number(kpi.target, 0),
        "progress": min(float(result.value / kpi.target * 100), 100)
        if result.value is not None and kpi.target
        else 0,
        "problem": presenting.in_language(result.problem),
        "response": presenting.number(result.response_rate, 1),
        "sums": [(code, presenting.number(v, 0)) for code, v in result.sums.items()],
        "left_out": [(f.library, presenting.in_language(f.problem)) for f in result.left_out],
        "counted": [(f.library, presenting.number(f.value, 1), f.meets) for f in result.counted],
    }
