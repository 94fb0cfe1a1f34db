"""The library record: identity, classification, location, contacts, capacity and systems."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from thuvien.registry.choices import (
    CLOSED_STATUSES,
    LibraryType,
    NameKind,
    Ownership,
    PublicLevel,
    Status,
)


class IdentifierSequence(models.Model):
    """The last serial handed out; numbers are never reused, even for dissolved libraries."""

    name = models.CharField(max_length=32, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("dãy số định danh")

    def __str__(self) -> str:
        return f"{self.name}={self.last_value}"


class LibraryQuerySet(models.QuerySet):
    def in_vietnam(self):
        return self.filter(country="VN")

    def partners(self):
        return self.exclude(country="VN")

    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)


class Library(models.Model):
    vn_id = models.CharField(_("mã định danh"), max_length=14, unique=True, editable=False)
    name = models.CharField(_("tên chính thức"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=64, blank=True)

    library_type = models.CharField(_("loại thư viện"), max_length=16, choices=LibraryType.choices)
    level = models.CharField(
        _("cấp (thư viện công cộng)"), max_length=10, choices=PublicLevel.choices, blank=True
    )
    ownership = models.CharField(
        _("loại hình sở hữu"), max_length=10, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    is_key_public_library = models.BooleanField(
        _("thư viện công lập có vai trò quan trọng"),
        default=False,
        help_text=_("Theo Điều 3–4 Nghị định 93/2020/NĐ-CP"),
    )
    founding_body = models.CharField(_("cơ quan, tổ chức thành lập"), max_length=255, blank=True)
    managing_body = models.CharField(_("cơ quan quản lý"), max_length=255, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
        verbose_name=_("thư viện mẹ"),
    )
    founding_decision_number = models.CharField(
        _("số quyết định thành lập"), max_length=64, blank=True
    )
    founding_decision_date = models.DateField(_("ngày quyết định thành lập"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )

    country = models.CharField(_("quốc gia"), max_length=2, default="VN")
    region = models.CharField(_("vùng, địa phương (ngoài Việt Nam)"), max_length=255, blank=True)
    province = models.ForeignKey(
        "geo.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tỉnh/thành phố"),
    )
    commune = models.ForeignKey(
        "geo.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã/phường/đặc khu"),
    )
    street_address = models.CharField(_("số nhà, đường, thôn"), max_length=255, blank=True)
    old_commune = models.ForeignKey(
        "geo.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã/phường trước 01/7/2025"),
    )
    old_address = models.CharField(_("địa chỉ trước 01/7/2025"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    phone = models.CharField(_("điện thoại"), max_length=64, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang web"), max_length=500, blank=True)
    opening_hours = models.TextField(_("giờ mở cửa"), blank=True)
    services = models.JSONField(_("dịch vụ"), default=list, blank=True)

    collection_size = models.PositiveIntegerField(_("số bản tài liệu"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("số người làm việc"), null=True, blank=True)
    floor_area_m2 = models.DecimalField(
        _("diện tích (m²)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    seats = models.PositiveIntegerField(_("số chỗ ngồi"), null=True, blank=True)

    ils_name = models.CharField(_("phần mềm quản lý thư viện"), max_length=120, blank=True)
    oai_endpoint = models.URLField(_("địa chỉ OAI-PMH"), max_length=500, blank=True)
    sru_endpoint = models.URLField(_("địa chỉ SRU"), max_length=500, blank=True)
    z3950_endpoint = models.CharField(
        _("địa chỉ Z39.50 (host:port/database)"), max_length=255, blank=True
    )

    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(
        verbose_name=_("lịch sử thư viện"), excluded_fields=["updated_at", "created_at"]
    )
    objects = LibraryQuerySet.as_manager()

    class Meta:
        verbose_name = _("thư viện")
        verbose_name_plural = _("thư viện")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["library_type", "status"]),
            models.Index(fields=["country"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.vn_id})"

    @property
    def is_partner(self) -> bool:
        return self.country != "VN"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


class LibraryName(models.Model):
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="other_names")
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại tên"), max_length=16, choices=NameKind.choices)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("tên khác")
        verbose_name_plural = _("tên khác")
        ordering = ["valid_from", "name"]

    def __str__(self) -> str:
        return self.name


class LibraryAlias(models.Model):
    """Another identifier of the same library: a MARC organisation code, an old ID, an IMLS key."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="aliases")
    scheme = models.CharField(_("hệ thống mã"), max_length=32)
    value = models.CharField(_("giá trị"), max_length=255)

    class Meta:
        verbose_name = _("mã khác")
        verbose_name_plural = _("mã khác")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="registry_alias_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"
