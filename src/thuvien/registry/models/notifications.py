"""Notifications of founding, merger, split, dissolution... (TT 01/2020/TT-BVHTTDL)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from thuvien.registry.choices import EventKind


class NotificationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Đã nộp, chờ xử lý")
    MORE_DOCUMENTS = "more_documents", _("Yêu cầu bổ sung hồ sơ")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    REJECTED = "rejected", _("Đã từ chối")


OPEN_NOTIFICATION_STATUSES = {NotificationStatus.SUBMITTED, NotificationStatus.MORE_DOCUMENTS}


class Notification(models.Model):
    kind = models.CharField(_("loại thông báo"), max_length=16, choices=EventKind.choices)
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=NotificationStatus.choices,
        default=NotificationStatus.SUBMITTED,
    )
    province = models.ForeignKey(
        "geo.AdminUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tỉnh/thành phố nhận thông báo"),
    )
    submitter_name = models.CharField(_("tổ chức, cá nhân thông báo"), max_length=255)
    submitter_contact = models.CharField(_("liên hệ"), max_length=255, blank=True)
    effective_date = models.DateField(_("ngày dự kiến có hiệu lực"))
    libraries = models.ManyToManyField(
        "registry.Library",
        blank=True,
        related_name="notifications",
        verbose_name=_("thư viện liên quan"),
    )
    proposed = models.JSONField(
        _("thông tin thư viện đề nghị"),
        default=dict,
        blank=True,
        help_text=_("Thông tin thư viện mới (thành lập, chia, tách, hợp nhất)"),
    )
    reason = models.TextField(_("lý do"), blank=True)
    received_at = models.DateTimeField(_("ngày nhận"), auto_now_add=True)
    due_date = models.DateField(_("hạn trả lời"))
    decision_note = models.TextField(_("ý kiến xử lý"), blank=True)
    decided_at = models.DateTimeField(_("ngày xử lý"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.OneToOneField(
        "registry.LifecycleEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notification",
    )

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.submitter_name}"


class NotificationDocument(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("tên tài liệu"), max_length=255)
    file = models.FileField(_("tệp"), upload_to="registry/notifications/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu hồ sơ")
        verbose_name_plural = _("tài liệu hồ sơ")

    def __str__(self) -> str:
        return self.title
