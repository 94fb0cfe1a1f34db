"""An evaluation round (a body, a criteria set, an evaluation year) and, per library, its
evaluation: the computed indicators, the library's self-assessment, the authority's review."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from thuvien.evaluation.models.criteria import CriteriaSet, EvaluatingBody, Indicator


class EvaluationRound(models.Model):
    body = models.ForeignKey(EvaluatingBody, on_delete=models.PROTECT, related_name="rounds")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="rounds")
    year = models.PositiveIntegerField(_("năm đánh giá"))
    # The statistics year whose counted reports feed the indicators (default: the same).
    stats_year = models.PositiveIntegerField(_("năm số liệu thống kê"))
    title = models.CharField(_("tên đợt"), max_length=255)
    closed = models.BooleanField(_("đã kết thúc"), default=False)
    computed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        ordering = ["-year", "body__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "criteria_set", "year"], name="evaluation_round_once"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def starts_on(self) -> datetime.date:
        """TT 05/2020: the evaluation year runs from 1 December to 30 November."""
        return datetime.date(self.year - 1, 12, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.year, 11, 30)

    @property
    def self_report_due(self) -> datetime.date:
        """The library's self-assessment report is due by 30 December."""
        return datetime.date(self.year, 12, 30)


class PeerGroup(models.Model):
    """A chosen set of libraries compared with each other; libraries in none are compared
    with those of the same type and level."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="peer_groups")
    name = models.CharField(_("tên nhóm"), max_length=255)
    libraries = models.ManyToManyField("registry.Library", related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="evaluation_peer_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class EvaluationState(models.TextChoices):
    OPEN = "open", _("Chờ tự đánh giá")
    DRAFT = "draft", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã gửi tự đánh giá")
    RETURNED = "returned", _("Trả lại thư viện")
    CONCLUDED = "concluded", _("Đã kết luận")


SELF_EDITABLE = (EvaluationState.OPEN, EvaluationState.DRAFT, EvaluationState.RETURNED)


class LibraryEvaluation(models.Model):
    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="evaluations")
    library = models.ForeignKey(
        "registry.Library", on_delete=models.PROTECT, related_name="evaluations"
    )
    state = models.CharField(
        max_length=16, choices=EvaluationState.choices, default=EvaluationState.OPEN
    )
    # The counted statistics report the figures came from (none: no counted report).
    submission = models.ForeignKey(
        "stats.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    peer_group = models.CharField(max_length=128, blank=True)
    peer_group_label = models.CharField(max_length=255, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    weight_share = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    rating = models.CharField(max_length=64, blank=True)  # computed from the score
    rank = models.PositiveIntegerField(null=True, blank=True)
    peer_count = models.PositiveIntegerField(default=0)
    proposed_rating = models.CharField(max_length=64, blank=True)  # the library's own
    self_comment = models.TextField(blank=True)
    final_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    final_rating = models.CharField(max_length=64, blank=True)  # the authority's conclusion
    review_comment = models.TextField(blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kết quả đánh giá thư viện")
        verbose_name_plural = _("kết quả đánh giá thư viện")
        ordering = ["round", "library__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "library"], name="evaluation_library_once")
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.library.name}"


class IndicatorResult(models.Model):
    evaluation = models.ForeignKey(
        LibraryEvaluation, on_delete=models.CASCADE, related_name="results"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    problem = models.TextField(blank=True)  # why there is no value ("vi / en")
    inputs = models.JSONField(default=dict)  # code -> figure as text, or null
    rating = models.CharField(max_length=64, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    peer_count = models.PositiveIntegerField(default=0)  # peers with a value
    peer_median = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    proposed_rating = models.CharField(max_length=64, blank=True)
    self_comment = models.TextField(blank=True)
    final_rating = models.CharField(max_length=64, blank=True)
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["evaluation", "indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], name="evaluation_result_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}={self.value}"


class EvaluationEvent(models.Model):
    """The trail shown on the page (the audit log keeps the details)."""

    evaluation = models.ForeignKey(
        LibraryEvaluation, on_delete=models.CASCADE, related_name="events"
    )
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
