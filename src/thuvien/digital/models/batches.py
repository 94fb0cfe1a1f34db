"""A batch of digitised material handed in at once: a folder, a ZIP or a BagIt bag."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigitalBatchStatus(models.TextChoices):
    QUEUED = "queued", _("Chờ chạy")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Xong")
    PARTIAL = "partial", _("Xong, có lỗi")
    FAILED = "failed", _("Thất bại")


class DigitalBatch(models.Model):
    library = models.ForeignKey("registry.Library", on_delete=models.PROTECT, related_name="+")
    collection = models.ForeignKey(
        "digital.Collection", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("nguồn (thư mục, ZIP, túi BagIt)"), max_length=1000)
    original_name = models.CharField(_("tên"), max_length=255)
    uploaded = models.BooleanField(default=False)  # the source is ours to delete afterwards
    default_access = models.CharField(max_length=12, default="public")
    ocr = models.BooleanField(_("nhận dạng chữ"), default=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=8,
        choices=DigitalBatchStatus.choices,
        default=DigitalBatchStatus.QUEUED,
    )
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)  # [{where, vi, en}]
    job = models.ForeignKey(
        "ops.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đợt nạp tài nguyên số")
        verbose_name_plural = _("đợt nạp tài nguyên số")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
