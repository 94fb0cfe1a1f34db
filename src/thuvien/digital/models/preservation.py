"""PREMIS events and fixity audits of the preservation store."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PreservationEvent(models.Model):
    """One PREMIS 3 event (eventType from the LoC preservation vocabulary)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    obj = models.ForeignKey(
        "digital.DigitalObject",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    object_ident = models.CharField(max_length=32)  # kept when the object row is gone
    event_type = models.CharField(_("loại sự kiện"), max_length=40)
    when = models.DateTimeField(_("thời điểm"))
    detail = models.TextField(_("chi tiết"), blank=True)
    outcome = models.CharField(_("kết quả"), max_length=8)  # success, failure, warning
    outcome_detail = models.TextField(blank=True)
    agent = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("sự kiện bảo quản")
        verbose_name_plural = _("sự kiện bảo quản")
        ordering = ["when", "id"]
        indexes = [models.Index(fields=["event_type", "when"])]

    def __str__(self) -> str:
        return f"{self.object_ident} {self.event_type} {self.outcome}"


class FixityAudit(models.Model):
    """One run of the scheduled fixity audit (a share of the objects, every copy)."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    objects_checked = models.PositiveIntegerField(default=0)
    files_checked = models.PositiveIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    mismatches = models.JSONField(default=list, blank=True)
    repaired = models.PositiveIntegerField(default=0)
    unrepaired = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("đợt kiểm tra toàn vẹn")
        verbose_name_plural = _("đợt kiểm tra toàn vẹn")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.objects_checked})"
