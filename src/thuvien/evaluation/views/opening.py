"""Opening an evaluation round from the web: the evaluating body, the criteria set and the
year; the libraries are those the set applies to in the body's area (as the command does)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thuvien.accounts.permissions import Action, Target, has_any_scope, has_perm
from thuvien.evaluation.models import CriteriaSet, EvaluatingBody
from thuvien.evaluation.services.rounds import RoundError, open_round


class OpenRoundForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Cơ quan đánh giá"), queryset=EvaluatingBody.objects)
    criteria_set = forms.ModelChoiceField(label=_("Bộ tiêu chí"), queryset=CriteriaSet.objects)
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [
            body.pk
            for body in EvaluatingBody.objects.all()
            if has_perm(user, Action.EVALUATION_MANAGE, Target.for_province(body.province_id))
        ]
        self.fields["body"].queryset = EvaluatingBody.objects.filter(pk__in=allowed)
        self.fields["criteria_set"].queryset = CriteriaSet.objects.order_by("code", "-version")


@login_required
def open_round_page(request):
    if not has_any_scope(request.user, Action.EVALUATION_MANAGE):
        raise PermissionDenied("Bạn không mở được đợt đánh giá / you may not open evaluations")
    initial = {"year": timezone.localdate().year - 1}
    form = OpenRoundForm(request.POST or None, initial=initial, user=request.user)
    problem = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = open_round(request.user, data["body"], data["criteria_set"], data["year"])
        except RoundError as exc:
            problem = str(exc)
        else:
            return redirect("evaluation:round", pk=round_.pk)
    return render(request, "evaluation/open_round.html", {"form": form, "problem": problem})
