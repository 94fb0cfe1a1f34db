"""A report's life: fill in (autosave), submit, return with comments or approve (province),
certify (ministry), unlock with a reason. Each step checks the actor's permission for the
library, checks the state, writes the trail and the audit log, and keeps the tables equal to
the counted reports."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from thuvien.accounts.permissions import Action, Target, require
from thuvien.kernel.audit.log import record_change, record_step
from thuvien.stats.models import Submission, SubmissionEvent, Value
from thuvien.stats.models.reports import COUNTED_STATES, EDITABLE_STATES, SubmissionState
from thuvien.stats.services import aggregation
from thuvien.stats.services.forms import spec_of
from thuvien.stats.validation import Entered, Problem, blocking, storable, validate

S = SubmissionState


class WorkflowError(ValueError):
    """A step that cannot be taken now; ``problems`` lists the figures that stop it."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


def _target(submission: Submission) -> Target:
    return Target.for_library(submission.library)


def entered_values(submission: Submission) -> dict[str, Entered]:
    return {
        v.element.code: Entered(v.number, v.text, v.status, v.estimate_method, v.note)
        for v in submission.values.select_related("element")
    }


def last_year_values(submission: Submission) -> dict[str, Decimal]:
    """The library's counted figures of the same form in the previous year (by code)."""
    previous = (
        Submission.objects.filter(
            library=submission.library,
            round__form__code=submission.round.form.code,
            round__year=submission.round.year - 1,
            state__in=COUNTED_STATES,
        )
        .order_by("-round__period")
        .first()
    )
    if previous is None:
        return {}
    rows = previous.values.filter(number__isnull=False, status__in=("reported", "estimated"))
    return dict(rows.values_list("element__code", "number"))


def check(submission: Submission, *, for_submission: bool = False) -> list[Problem]:
    spec = spec_of(submission.round.form)
    return validate(
        spec.elements,
        entered_values(submission),
        submission.library.library_type,
        last_year_values(submission),
        for_submission=for_submission,
    )


def save_values(user, submission: Submission, entries: dict[str, Entered]) -> list[Problem]:
    """Store the figures given (autosave: any subset); return the problems of the report.
    Only an editable report of the user's own scope can be changed."""
    require(user, Action.STATS_FILL, _target(submission))
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        _require_editable(submission)
        before, after = _store(submission, entries)
        if before != after:
            record_change(user, "stats.save_values", submission, before=before, after=after)
        if submission.state == S.NOT_STARTED:
            _move(user, submission, S.DRAFT, "start")
        submission.save(update_fields=["updated_at", "state"])
    return check(submission)


def _require_editable(submission: Submission) -> None:
    if submission.state not in EDITABLE_STATES:
        raise WorkflowError(
            f"Báo cáo đang ở trạng thái '{submission.get_state_display()}', không sửa được; "
            "cần mở khoá / the report is "
            f"{submission.state} and cannot be changed; it must be unlocked first"
        )
    if submission.round.closed:
        raise WorkflowError("Đợt báo cáo đã khoá / the reporting round is closed")


def _shown(value: Value | None) -> str | None:
    """A stored figure as the audit log shows it: number or text, and a status not plain."""
    if value is None:
        return None
    shown = format(value.number.normalize(), "f") if value.number is not None else value.text
    return shown if value.status == "reported" else f"{shown} [{value.status}]".strip()


def _store(submission: Submission, entries: dict[str, Entered]) -> tuple[dict, dict]:
    """Write the entries; return the figures that changed, before and after."""
    elements = {e.code: e for e in submission.round.form.elements.all()}
    unknown = sorted(set(entries) - set(elements))
    if unknown:
        raise WorkflowError(
            f"Chỉ tiêu không có trong biểu mẫu / elements not in the form: {', '.join(unknown)}"
        )
    unstorable = sorted(
        code for code, e in entries.items() if e.number is not None and not storable(e.number)
    )
    if unstorable:
        raise WorkflowError(
            "Số quá lớn hoặc quá nhiều chữ số thập phân / number too large or too precise: "
            + ", ".join(unstorable)
        )
    existing = {v.element.code: v for v in submission.values.select_related("element")}
    before, after = {}, {}
    for code, entered in entries.items():
        value = existing.get(code)
        old = _shown(value)
        if entered.blank and not entered.note:
            if value is not None:
                value.delete()
                before[code], after[code] = old, None
            continue
        if value is None:
            value = Value(submission=submission, element=elements[code])
        value.number, value.text, value.status = entered.number, entered.text, entered.status
        value.estimate_method, value.note = entered.estimate_method, entered.note
        value.save()
        if _shown(value) != old:
            before[code], after[code] = old, _shown(value)
    return before, after


def submit(user, submission: Submission) -> Submission:
    require(user, Action.STATS_FILL, _target(submission))
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        _require_editable(submission)
        problems = blocking(check(submission, for_submission=True))
        if problems:
            raise WorkflowError(
                f"Còn {len(problems)} lỗi hoặc cảnh báo chưa giải trình / "
                f"{len(problems)} errors or unexplained warnings remain",
                problems,
            )
        now = timezone.now()
        submission.submitted_at = now
        deadline = submission.round.deadline
        submission.late = bool(deadline and timezone.localdate(now) > deadline)
        _move(user, submission, S.SUBMITTED, "submit")
        submission.save()
    return submission


def return_report(user, submission: Submission, comment: str) -> Submission:
    """Back to the library with the reviewer's comments (required)."""
    require(user, Action.STATS_REVIEW, _target(submission))
    if not comment.strip():
        raise WorkflowError("Cần ghi ý kiến khi trả lại / a comment is required to return")
    return _step(user, submission, (S.SUBMITTED,), S.RETURNED, "return", comment)


def approve(user, submission: Submission, comment: str = "") -> Submission:
    require(user, Action.STATS_REVIEW, _target(submission))
    with transaction.atomic():
        submission = _step(user, submission, (S.SUBMITTED,), S.APPROVED, "approve", comment)
        submission.approved_at = timezone.now()
        submission.save(update_fields=["approved_at"])
        aggregation.apply_submission(submission, +1)
    return submission


def certify(user, submission: Submission, comment: str = "") -> Submission:
    require(user, Action.STATS_CERTIFY, _target(submission))
    submission = _step(user, submission, (S.APPROVED,), S.CERTIFIED, "certify", comment)
    submission.certified_at = timezone.now()
    submission.save(update_fields=["certified_at"])
    return submission


def unlock(user, submission: Submission, reason: str) -> Submission:
    """An approved report back to the library (the province, before certification; the
    ministry, at any time), taken out of the tables until approved again."""
    require(user, Action.STATS_UNLOCK, _target(submission))
    if not reason.strip():
        raise WorkflowError("Cần ghi lý do mở khoá / a reason is required to unlock")
    with transaction.atomic():
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        allowed = (S.APPROVED, S.SUBMITTED)
        if current.state == S.CERTIFIED:
            require(user, Action.STATS_CERTIFY, _target(current))
            allowed = (S.CERTIFIED,)
        was_counted = current.state in COUNTED_STATES
        submission = _step(user, current, allowed, S.RETURNED, "unlock", reason)
        if was_counted:
            aggregation.apply_submission(submission, -1)
    return submission


def _step(user, submission, from_states, to_state, action, comment) -> Submission:
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.state not in from_states:
            raise WorkflowError(
                f"Không thể '{action}' báo cáo ở trạng thái '{submission.get_state_display()}' /"
                f" cannot {action} a report that is {submission.state}"
            )
        _move(user, submission, to_state, action, comment)
        submission.save()
    return submission


def _move(user, submission: Submission, to_state: str, action: str, comment: str = "") -> None:
    record_step(user, submission, SubmissionEvent, "submission", "stats", to_state, action, comment)
