"""Bibliographic records as contributed by libraries, with the raw bytes they came in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    """One stream of records from a contributing library (an ILS export, a harvest...).

    Re-ingesting the same source updates its records in place: a record is identified by
    its source and its local identifier (usually 001)."""

    library = models.ForeignKey(
        "registry.Library",
        on_delete=models.PROTECT,
        related_name="catalog_sources",
        verbose_name=_("thư viện"),
    )
    code = models.SlugField(_("mã nguồn"), max_length=64, default="default")
    name = models.CharField(_("tên nguồn"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nguồn dữ liệu")
        verbose_name_plural = _("nguồn dữ liệu")
        constraints = [
            models.UniqueConstraint(fields=["library", "code"], name="catalog_source_unique")
        ]

    def __str__(self) -> str:
        return f"{self.library.vn_id}/{self.code}"


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("Đang dùng")
    DELETED = "deleted", _("Đã xóa")


class BibRecord(models.Model):
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="records")
    local_id = models.CharField(_("mã trong nguồn"), max_length=255)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    raw = models.BinaryField(_("dữ liệu gốc"))
    raw_format = models.CharField(_("định dạng gốc"), max_length=16)
    marc = models.BinaryField(_("biểu ghi MARC 21 đã chuẩn hóa (JSON gọn)"))
    checksum = models.CharField(max_length=64)
    conversions = models.JSONField(_("chuyển đổi"), default=list, blank=True)
    title = models.CharField(_("nhan đề"), max_length=1000, blank=True)
    year = models.IntegerField(_("năm"), null=True, blank=True)
    indexed = models.BooleanField(
        default=False, db_index=True, help_text="False until the search index has this version"
    )
    last_batch = models.ForeignKey(
        "catalog.IngestBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("biểu ghi thư mục")
        verbose_name_plural = _("biểu ghi thư mục")
        constraints = [
            models.UniqueConstraint(fields=["source", "local_id"], name="catalog_record_unique")
        ]
        # OAI-PMH lists walk records in (datestamp, id) order, per set or across all.
        indexes = [
            models.Index(fields=["updated_at", "id"], name="catalog_record_datestamp"),
            models.Index(fields=["source", "updated_at", "id"], name="catalog_record_src_stamp"),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"


class Holding(models.Model):
    """Copies of a record held by a library: where, under which call number, how many."""

    record = models.ForeignKey(BibRecord, on_delete=models.CASCADE, related_name="holdings")
    library = models.ForeignKey(
        "registry.Library", on_delete=models.PROTECT, related_name="holdings"
    )
    location = models.CharField(_("kho, vị trí"), max_length=255, blank=True)
    call_number = models.CharField(_("ký hiệu xếp giá"), max_length=255, blank=True)
    items = models.PositiveIntegerField(
        _("số bản"), null=True, blank=True, help_text=_("Trống khi nguồn không cho biết")
    )
    available = models.PositiveIntegerField(_("số bản sẵn sàng"), null=True, blank=True)

    class Meta:
        verbose_name = _("vốn tài liệu")
        verbose_name_plural = _("vốn tài liệu")
        indexes = [models.Index(fields=["library", "record"])]

    def __str__(self) -> str:
        return f"{self.library_id}: {self.call_number}"
