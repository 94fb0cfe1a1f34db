"""Digital objects (a book, an issue, a map...) with ordered pages, grouped in collections."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("Công khai")
    REGISTERED = "registered", _("Bạn đọc đăng ký")
    ONSITE = "onsite", _("Chỉ đọc tại thư viện")
    RESTRICTED = "restricted", _("Hạn chế")


class ObjectKind(models.TextChoices):
    BOOK = "book", _("Sách")
    PERIODICAL = "periodical", _("Số báo, tạp chí")
    NEWSPAPER = "newspaper", _("Báo")
    MANUSCRIPT = "manuscript", _("Bản thảo, thư tịch")
    MAP = "map", _("Bản đồ")
    PHOTOGRAPH = "photograph", _("Ảnh")
    OTHER = "other", _("Khác")


class ObjectStatus(models.TextChoices):
    INGESTING = "ingesting", _("Đang nạp")
    READY = "ready", _("Đã công bố")
    HELD = "held", _("Tạm giữ (có lỗi)")
    WITHDRAWN = "withdrawn", _("Đã rút")


class Collection(models.Model):
    slug = models.SlugField(_("mã bộ sưu tập"), max_length=80, unique=True)
    title = models.CharField(_("tên bộ sưu tập"), max_length=255)
    title_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    library = models.ForeignKey(
        "registry.Library", on_delete=models.PROTECT, related_name="digital_collections"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bộ sưu tập số")
        verbose_name_plural = _("bộ sưu tập số")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class DigitalObject(models.Model):
    """One digitised item. ``ident`` is the public identifier in every URI (IIIF, pages,
    OCFL): ``tv`` and the row id, fixed at creation and never reused."""

    # NULL until the row id is known (several rows may be NULL at once; "" could not be)
    ident = models.CharField(_("mã tài nguyên"), max_length=32, unique=True, null=True)  # noqa: DJ001
    library = models.ForeignKey(
        "registry.Library", on_delete=models.PROTECT, related_name="digital_objects"
    )
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.SET_NULL, related_name="digital_objects"
    )
    batch = models.ForeignKey(
        "digital.DigitalBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digital_objects",
    )
    batch_key = models.CharField(_("mã trong đợt nạp"), max_length=255, blank=True)
    title = models.CharField(_("nhan đề"), max_length=1000)
    kind = models.CharField(_("loại"), max_length=16, choices=ObjectKind.choices)
    dc = models.JSONField(_("Dublin Core"), default=dict, blank=True)
    access = models.CharField(
        _("quyền truy cập"),
        max_length=12,
        choices=AccessLevel.choices,
        default=AccessLevel.PUBLIC,
    )
    rights = models.CharField(_("tình trạng bản quyền (URI)"), max_length=255, blank=True)
    record = models.ForeignKey(
        "catalog.BibRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digital_objects",
        verbose_name=_("biểu ghi thư mục"),
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=ObjectStatus.choices,
        default=ObjectStatus.INGESTING,
    )
    problems = models.JSONField(_("vấn đề"), default=list, blank=True)
    page_count = models.PositiveIntegerField(default=0)
    ocr_done = models.BooleanField(_("đã nhận dạng chữ"), default=False)
    indexed = models.BooleanField(default=False)
    ocfl_version = models.CharField(max_length=12, blank=True)
    replicated_version = models.CharField(max_length=12, blank=True)
    last_audit_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tài nguyên số")
        verbose_name_plural = _("tài nguyên số")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "access"]),
            models.Index(fields=["last_audit_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "batch_key"],
                name="digital_object_batch_key",
                condition=~models.Q(batch_key=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.ident} {self.title}"

    @property
    def ocfl_id(self) -> str:
        return f"thuvien:{self.ident}"

    @property
    def published(self) -> bool:
        return self.status == ObjectStatus.READY


class PageStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xử lý")
    READY = "ready", _("Sẵn sàng")
    FAILED = "failed", _("Lỗi")


class Page(models.Model):
    obj = models.ForeignKey(DigitalObject, on_delete=models.CASCADE, related_name="pages")
    order = models.PositiveIntegerField(_("thứ tự"))
    label = models.CharField(_("nhãn trang"), max_length=64, blank=True)
    source_path = models.CharField(_("tệp gốc"), max_length=1000)
    pdf_page = models.PositiveIntegerField(null=True, blank=True)
    master_name = models.CharField(_("tên tệp lưu trữ"), max_length=255, blank=True)
    status = models.CharField(max_length=8, choices=PageStatus.choices, default=PageStatus.PENDING)
    error = models.TextField(blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.BigIntegerField(default=0)
    sha512 = models.CharField(max_length=128, blank=True)
    md5 = models.CharField(max_length=32, blank=True)
    puid = models.CharField(_("định dạng PRONOM"), max_length=32, blank=True)
    format_name = models.CharField(max_length=255, blank=True)
    mime = models.CharField(max_length=100, blank=True)
    ocr_status = models.CharField(max_length=8, blank=True)  # "" not run, done, empty, failed
    ocr_confidence = models.FloatField(null=True, blank=True)
    text = models.TextField(_("văn bản nhận dạng"), blank=True)

    class Meta:
        verbose_name = _("trang")
        verbose_name_plural = _("trang")
        ordering = ["obj", "order"]
        constraints = [models.UniqueConstraint(fields=["obj", "order"], name="digital_page_order")]

    def __str__(self) -> str:
        return f"{self.obj.ident} p{self.order}"

    @property
    def ident(self) -> str:
        """The IIIF image identifier of the page."""
        return f"{self.obj.ident}-p{self.order:04d}"
