"""Reporting rounds, each library's report (submission) with its workflow, and its values."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from thuvien.stats.models.forms import DataElement, FormDefinition


class ReportingRound(models.Model):
    """One reporting period of one form (e.g. the annual report for 2025), with its deadline
    and the libraries expected to report (their submissions are created when it opens)."""

    form = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="rounds")
    year = models.PositiveIntegerField(_("năm"))
    period = models.CharField(_("kỳ"), max_length=16)  # "2025", "2025-03", "2025-dot-1"
    title = models.CharField(_("tên đợt"), max_length=255)
    opens_on = models.DateField(_("ngày mở"), null=True, blank=True)
    deadline = models.DateField(_("hạn nộp"), null=True, blank=True)
    # Reminders this many days before the deadline, and the day after it.
    reminder_days = models.JSONField(default=list, blank=True)
    # Library types that must report; empty: every active library in Vietnam.
    library_types = models.JSONField(default=list, blank=True)
    closed = models.BooleanField(_("đã khoá"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt báo cáo")
        verbose_name_plural = _("đợt báo cáo")
        ordering = ["-year", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["form", "period"], name="stats_round_form_period")
        ]

    def __str__(self) -> str:
        return self.title


class SubmissionState(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa nhập")
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Sở đã duyệt")
    CERTIFIED = "certified", _("Bộ đã xác nhận")


# States whose figures count in the tables.
COUNTED_STATES = (SubmissionState.APPROVED, SubmissionState.CERTIFIED)
EDITABLE_STATES = (SubmissionState.NOT_STARTED, SubmissionState.DRAFT, SubmissionState.RETURNED)


class Submission(models.Model):
    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="submissions")
    library = models.ForeignKey(
        "registry.Library", on_delete=models.PROTECT, related_name="stat_submissions"
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=SubmissionState.choices,
        default=SubmissionState.NOT_STARTED,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(_("nộp muộn"), default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    certified_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Where the figures came from: typed in, or a bulk import (its name).
    source = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["round", "library"], name="stats_submission_once")
        ]
        indexes = [models.Index(fields=["round", "state"])]

    def __str__(self) -> str:
        return f"{self.round} – {self.library}"


class ValueStatus(models.TextChoices):
    REPORTED = "reported", _("Số liệu")
    ESTIMATED = "estimated", _("Ước tính")
    NOT_APPLICABLE = "not_applicable", _("Không áp dụng")
    UNKNOWN = "unknown", _("Không rõ")
    SUPPRESSED = "suppressed", _("Không công bố")


# Statuses whose number is added into the tables.
SUMMED_STATUSES = (ValueStatus.REPORTED, ValueStatus.ESTIMATED)


class Value(models.Model):
    """One figure of one report. A blank is no row (or a row with no number and no status);
    0 is a number; not applicable, unknown and suppressed are statuses, never numbers."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="values")
    number = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    text = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=ValueStatus.choices, default=ValueStatus.REPORTED
    )
    estimate_method = models.CharField(_("cách ước tính"), max_length=255, blank=True)
    note = models.TextField(_("giải trình"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "element"], name="stats_value_once")
        ]

    def __str__(self) -> str:
        return f"{self.element.code}={self.number if self.number is not None else self.text}"


class SubmissionEvent(models.Model):
    """The workflow trail of a report, shown on its page (the audit log keeps the details)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    from_state = models.CharField(max_length=16)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} -> {self.to_state}"


class Attachment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="stats/attachments/%Y/")
    name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
