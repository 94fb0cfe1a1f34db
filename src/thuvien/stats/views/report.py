"""One report: the form to fill in (autosaved field by field, or saved whole without
JavaScript), its problems, its trail and attachments, and the buttons its state allows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thuvien.accounts.permissions import Action, Target, has_perm
from thuvien.stats import selectors
from thuvien.stats.forms import AttachmentForm, Typed, field_name, read_figure
from thuvien.stats.models import Submission
from thuvien.stats.models.reports import EDITABLE_STATES, SubmissionState
from thuvien.stats.services import workflow
from thuvien.stats.services.forms import spec_of
from thuvien.stats.validation import Problem, visible
from thuvien.stats.views import labels
from thuvien.stats.views.sheet import build_rows, conditions_on, family, grouped

S = SubmissionState


def permissions(user, submission: Submission) -> dict[str, bool]:
    """Which buttons to show; the services check again when they are pressed."""
    target = Target.for_library(submission.library)
    state = submission.state
    counted = state in (S.APPROVED, S.CERTIFIED)
    unlock = has_perm(user, Action.STATS_UNLOCK, target) and counted
    if state == S.CERTIFIED:
        unlock = unlock and has_perm(user, Action.STATS_CERTIFY, target)
    return {
        "editable": state in EDITABLE_STATES
        and not submission.round.closed
        and has_perm(user, Action.STATS_FILL, target),
        "review": state == S.SUBMITTED and has_perm(user, Action.STATS_REVIEW, target),
        "certify": state == S.APPROVED and has_perm(user, Action.STATS_CERTIFY, target),
        "unlock": unlock,
    }


def sheet(submission: Submission, problems: list[Problem], typed: dict | None = None):
    """The rows of the form with their figures and problems."""
    form = submission.round.form
    return build_rows(
        spec_of(form).elements,
        dict(form.elements.values_list("code", "pk")),
        workflow.entered_values(submission),
        submission.library.library_type,
        workflow.last_year_values(submission),
        problems,
        typed,
    )


def _summary(rows, problems: list[Problem]) -> list[dict]:
    """What is left to fix, in the order of the form (explained warnings are settled)."""
    by_code = {row.element.code: row for row in rows}
    place = {row.element.code: i for i, row in enumerate(rows)}
    left = [p for p in problems if p.code in by_code and not (p.level == "warning" and p.explained)]
    left.sort(key=lambda p: place[p.code])
    return [{"problem": p, "row": by_code[p.code]} for p in left]


def render_report(request, submission: Submission, *, status: int = 200, **extra):
    """The whole page; ``extra`` carries what a refused step leaves to show (typed
    figures, the problems that stopped a submission, the message, the comment typed)."""
    problems = extra.pop("problems", None)
    if problems is None:
        problems = workflow.check(submission)
    rows = sheet(submission, problems, extra.pop("typed", None))
    trail = list(selectors.trail(submission))
    context = {
        "submission": submission,
        "state_label": labels.STATES.get(submission.state, submission.state),
        "round_label": labels.round_title(submission.round),
        "groups": grouped(rows),
        "summary": _summary(rows, problems),
        "can": permissions(request.user, submission),
        "statuses": labels.STATUSES,
        "steps": labels.STEPS,
        "states": labels.STATES,
        "trail": trail,
        "sent_back": _sent_back(submission, trail),
        "attachments": selectors.attachments(submission),
        "attachment_form": extra.pop("attachment_form", None) or AttachmentForm(),
        "english": labels.english(),
        "comparisons": _comparisons(submission),
        **extra,
    }
    return render(request, "stats/report.html", context, status=status)


# The ministry's headline figures, compared once a report counts in the tables.
COMPARED = ("VT01", "SD01", "SD02", "SD04")


def _comparisons(submission: Submission) -> list[str]:
    """Charts of the library's headline figures beside its peer group's median (same type
    and level) and the national mean per reporting library, for a counted report."""
    from thuvien.stats import charts, tables
    from thuvien.stats.models.reports import COUNTED_STATES

    if submission.state not in COUNTED_STATES:
        return []
    elements = {e.code: e for e in submission.round.form.elements.filter(code__in=COMPARED)}
    drawn = []
    for code in COMPARED:
        element = elements.get(code)
        if element is None:
            continue
        found = tables.library_against_peers(submission, code)
        if found.library is None:
            continue
        label = element.label_en if labels.english() and element.label_en else element.label
        mine = submission.library.name
        items = [
            (mine, found.library),
            (_("Trung vị nhóm (%(n)d thư viện)") % {"n": found.peer_count}, found.peer_median),
            (_("Bình quân cả nước"), found.national_mean),
        ]
        drawn.append(charts.bar_chart(items, f"{code} {label}", element.unit, highlight=mine))
    return drawn


def _sent_back(submission: Submission, trail):
    """The step that sent the report back to the library, shown at the top while it is
    being fixed (the reviewer's comment is what the library has to act on)."""
    if submission.state != S.RETURNED:
        return None
    return next((e for e in reversed(trail) if e.to_state == S.RETURNED), None)


@login_required
def report_page(request, pk: int):
    submission = selectors.report_for(request.user, pk)
    if request.method == "POST":
        return _save_all(request, submission)
    return render_report(request, submission)


def _posted_figures(request, submission: Submission):
    """The figures on the page that were posted, split into readable and refused."""
    spec = spec_of(submission.round.form)
    values = workflow.entered_values(submission)
    library_type = submission.library.library_type
    good, refused = {}, {}
    for element in spec.elements:
        posted = {field_name(k, element.code) for k in "vs"} & set(request.POST)
        if not posted or not visible(element, values, library_type):
            continue
        typed = read_figure(element, request.POST)
        if typed.error:
            refused[element.code] = typed
        else:
            good[element.code] = typed.entered
    return good, refused


def _save_all(request, submission: Submission):
    """The "Lưu" and "Gửi báo cáo" buttons of the form, which work without JavaScript."""
    good, refused = _posted_figures(request, submission)
    try:
        if good:
            workflow.save_values(request.user, submission, good)
        submission.refresh_from_db()
        if refused:
            message = _("%(n)d số liệu chưa lưu được: xem thông báo bên cạnh ô nhập.") % {
                "n": len(refused)
            }
            return render_report(request, submission, typed=refused, action_error=message)
        if request.POST.get("do") == "submit":
            workflow.submit(request.user, submission)
            messages.success(request, _("Đã gửi báo cáo đến Sở Văn hoá, Thể thao và Du lịch."))
        else:
            messages.success(request, _("Đã lưu."))
    except workflow.WorkflowError as exc:
        submission.refresh_from_db()
        return render_report(
            request,
            submission,
            problems=workflow.check(submission, for_submission=True),
            action_error=labels.in_language(str(exc)),
        )
    return redirect("stats:report", submission.pk)


def _save_one(request, submission: Submission, element) -> tuple[dict, list[Problem]]:
    """Store one posted figure; what could not be stored is kept with its reason."""
    typed = read_figure(element, request.POST)
    refused, problems = {}, None
    if typed.error:
        refused[element.code] = typed
    else:
        try:
            entries = {element.code: typed.entered}
            problems = workflow.save_values(request.user, submission, entries)
        except workflow.WorkflowError as exc:
            refused[element.code] = Typed(None, typed.raw, labels.in_language(str(exc)))
    submission.refresh_from_db()
    return refused, problems if problems is not None else workflow.check(submission)


@login_required
@require_POST
def autosave(request, pk: int, code: str):
    """One figure saved as soon as it changes (htmx); answers with its field and, out of
    band, the problems of the fields it adds up with and the summary."""
    submission = selectors.report_for(request.user, pk)
    spec = spec_of(submission.round.form)
    element = next((e for e in spec.elements if e.code == code), None)
    if element is None:
        raise Http404
    refused, problems = _save_one(request, submission, element)
    rows = sheet(submission, problems, refused)
    related = family(spec.elements, code)
    context = {
        "submission": submission,
        "row": next((r for r in rows if r.element.code == code), None),
        "related": [r for r in rows if r.element.code in related and r.element.code != code],
        "summary": _summary(rows, problems),
        "can": permissions(request.user, submission),
        "statuses": labels.STATUSES,
        "state_label": labels.STATES.get(submission.state, submission.state),
        "oob": True,
        "english": labels.english(),
    }
    response = render(request, "stats/_autosave.html", context)
    if conditions_on(spec.elements, code):  # other questions appear or go: reload the page
        response["HX-Refresh"] = "true"
    return response
