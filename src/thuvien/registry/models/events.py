"""Lifecycle events (founding, merger, closure...) and the libraries each links."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from thuvien.registry.choices import EventKind, EventRole


class LifecycleEvent(models.Model):
    kind = models.CharField(_("loại sự kiện"), max_length=16, choices=EventKind.choices)
    date = models.DateField(_("ngày hiệu lực"))
    document_number = models.CharField(_("số văn bản"), max_length=64, blank=True)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    document_issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    source = models.CharField(
        _("nguồn"), max_length=64, blank=True, help_text=_("Ví dụ: thông báo, nhập tệp")
    )
    recorded_at = models.DateTimeField(_("ngày ghi nhận"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class EventLink(models.Model):
    event = models.ForeignKey(LifecycleEvent, on_delete=models.CASCADE, related_name="links")
    library = models.ForeignKey(
        "registry.Library", on_delete=models.PROTECT, related_name="event_links"
    )
    role = models.CharField(_("vai trò"), max_length=12, choices=EventRole.choices)

    class Meta:
        verbose_name = _("thư viện trong sự kiện")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "library", "role"], name="registry_eventlink_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.library} ({self.role})"
