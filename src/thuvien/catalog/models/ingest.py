"""Ingest batches: one file from one source, its report, and the records kept aside."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang nạp")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Thất bại")


class IngestMode(models.TextChoices):
    UPDATE = "update", _("Bổ sung, cập nhật")
    REPLACE = "replace", _("Thay toàn bộ nguồn (xóa biểu ghi không còn trong tệp)")


class IngestBatch(models.Model):
    source = models.ForeignKey("catalog.Source", on_delete=models.PROTECT, related_name="batches")
    file = models.FileField(_("tệp"), upload_to="catalog/ingest/%Y/%m/", max_length=500)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    file_format = models.CharField(_("định dạng"), max_length=16, blank=True)
    mode = models.CharField(
        _("cách nạp"), max_length=8, choices=IngestMode.choices, default=IngestMode.UPDATE
    )
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    mapping = models.JSONField(_("ánh xạ cột (CSV/XLSX)"), default=dict, blank=True)
    position = models.PositiveIntegerField(
        _("đã xử lý đến biểu ghi"),
        default=0,
        help_text=_("Số biểu ghi đã ghi xong; chạy lại sẽ tiếp tục từ đây"),
    )
    counts = models.JSONField(_("số liệu"), default=dict, blank=True)
    job = models.ForeignKey(
        "ops.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đợt nạp biểu ghi")
        verbose_name_plural = _("đợt nạp biểu ghi")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class QuarantineStatus(models.TextChoices):
    OPEN = "open", _("Chờ sửa")
    RETRIED = "retried", _("Đã nạp lại")
    DISCARDED = "discarded", _("Bỏ qua")


class QuarantinedRecord(models.Model):
    batch = models.ForeignKey(IngestBatch, on_delete=models.CASCADE, related_name="quarantine")
    mapping = models.JSONField(_("ánh xạ cột (CSV/XLSX)"), default=dict, blank=True)
    position = models.PositiveIntegerField(_("biểu ghi số"))
    offset = models.BigIntegerField(_("vị trí byte"), default=-1)
    raw = models.BinaryField(_("dữ liệu gốc"))
    reason = models.TextField(_("lý do"))
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=QuarantineStatus.choices,
        default=QuarantineStatus.OPEN,
    )
    record = models.ForeignKey(
        "catalog.BibRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("biểu ghi bị cách ly")
        verbose_name_plural = _("biểu ghi bị cách ly")
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="catalog_quarantine_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch} #{self.position}"
