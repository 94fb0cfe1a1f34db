"""Deadline reminders: a message to the staff of each library whose report is not sent,
on the days the round asks for (so many days before the deadline) and once the deadline has
passed; at most one a day per report, each one recorded."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from thuvien.kernel.audit.log import record_change
from thuvien.stats.models import ReportingRound, Submission
from thuvien.stats.models.reports import EDITABLE_STATES


def due_today(round_: ReportingRound, today: date) -> bool:
    if round_.closed or round_.deadline is None:
        return False
    if today > round_.deadline:
        return True
    return (round_.deadline - today).days in set(round_.reminder_days)


def recipients(submission: Submission) -> list[str]:
    """The library's staff; where it has none with an address, its province office."""
    from thuvien.accounts.models import Role, RoleAssignment

    staff = RoleAssignment.objects.filter(role=Role.LIBRARY_STAFF, library=submission.library)
    addresses = [a.user.email for a in staff.select_related("user") if a.user.email]
    if addresses or not submission.library.province_id:
        return addresses
    office = RoleAssignment.objects.filter(
        role=Role.PROVINCE_OFFICER, province_id=submission.library.province_id
    ).select_related("user")
    return [a.user.email for a in office if a.user.email]


def send_reminders(today: date | None = None) -> dict[str, int]:
    """Remind every report due today; returns the counts (reminded, without an address)."""
    today = today or timezone.localdate()
    counts = {"reminded": 0, "no_address": 0}
    for round_ in ReportingRound.objects.filter(closed=False, deadline__isnull=False):
        if not due_today(round_, today):
            continue
        pending = round_.submissions.filter(state__in=EDITABLE_STATES).select_related("library")
        for submission in pending:
            last = submission.last_reminded_at
            if last is not None and timezone.localdate(last) >= today:
                continue
            counts[_remind(submission, round_, today)] += 1
    return counts


def _remind(submission: Submission, round_: ReportingRound, today: date) -> str:
    addresses = recipients(submission)
    # The day the reminder counts for (the command may be run for another day than today).
    moment = timezone.make_aware(datetime.combine(today, timezone.localtime().time()))
    Submission.objects.filter(pk=submission.pk).update(last_reminded_at=moment)
    if not addresses:
        record_change(None, "stats.remind", submission, note="no address / không có địa chỉ")
        return "no_address"
    late = today > round_.deadline
    subject = (
        f"[thuvien] {'Quá hạn' if late else 'Sắp đến hạn'}: {round_.title} – "
        f"{submission.library.name}"
    )
    body = _body(submission, round_, late)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
    record_change(None, "stats.remind", submission, note=", ".join(addresses))
    return "reminded"


def _body(submission: Submission, round_: ReportingRound, late: bool) -> str:
    deadline = round_.deadline.strftime("%d/%m/%Y")
    vi = (
        f'Báo cáo "{round_.title}" của {submission.library.name} '
        f"{'đã quá hạn nộp' if late else 'cần nộp trước'} ngày {deadline} "
        f"(trạng thái hiện tại: {submission.get_state_display()})."
    )
    en = (
        f'The report "{round_.title}" of {submission.library.name} '
        f"{'was due' if late else 'is due'} on {deadline} (now: {submission.state})."
    )
    return f"{vi}\n\n{en}\n\n/thong-ke/bao-cao/{submission.pk}/\n"


def next_reminder(round_: ReportingRound, today: date) -> date | None:
    """The next day a reminder will go out (shown on the round's page)."""
    if round_.deadline is None or round_.closed:
        return None
    for offset in range(0, 400):
        day = today + timedelta(days=offset)
        if due_today(round_, day):
            return day
    return None
