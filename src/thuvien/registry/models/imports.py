"""Bulk imports: a batch, its rows, each row's errors, match candidates and outcome."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Đã tải lên")
    PREVIEWED = "previewed", _("Đã xem trước")
    COMMITTING = "committing", _("Đang nhập")
    COMMITTED = "committed", _("Đã nhập")
    FAILED = "failed", _("Lỗi")


class RowOutcome(models.TextChoices):
    PENDING = "pending", _("Chưa xử lý")
    CREATE = "create", _("Tạo mới")
    UPDATE = "update", _("Cập nhật thư viện đã có")
    REVIEW = "review", _("Cần xem xét: có thể trùng")
    ERROR = "error", _("Lỗi")
    SKIP = "skip", _("Bỏ qua")


class ImportBatch(models.Model):
    file = models.FileField(_("tệp"), upload_to="registry/imports/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    file_format = models.CharField(_("định dạng"), max_length=8)
    encoding = models.CharField(_("bảng mã"), max_length=32, blank=True)
    mapping = models.JSONField(_("ánh xạ cột"), default=dict, blank=True)
    defaults = models.JSONField(_("giá trị mặc định"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    report = models.JSONField(_("báo cáo"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("đợt nhập dữ liệu")
        verbose_name_plural = _("đợt nhập dữ liệu")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class ImportRow(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("dòng"))
    raw = models.JSONField(_("dữ liệu gốc"))
    parsed = models.JSONField(_("dữ liệu đã chuẩn hóa"), default=dict, blank=True)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    candidates = models.JSONField(_("thư viện có thể trùng"), default=list, blank=True)
    outcome = models.CharField(
        _("kết quả"), max_length=8, choices=RowOutcome.choices, default=RowOutcome.PENDING
    )
    library = models.ForeignKey(
        "registry.Library", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("dòng nhập")
        ordering = ["batch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="registry_importrow_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch} #{self.number}"
