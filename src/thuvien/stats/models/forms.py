"""Forms are data: a versioned list of data elements, so next year's form is an edit of the
definition (a new version), never a migration."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ElementGroup(models.TextChoices):
    """The seven groups of data elements of TCVN 12843:2019 (ISO 2789:2013)."""

    LIBRARIES = "libraries", _("Thư viện")
    USE = "use", _("Dịch vụ và sử dụng")
    COLLECTION = "collection", _("Vốn tài liệu")
    ACCESS = "access", _("Truy cập và tiện ích")
    MANAGEMENT = "management", _("Quản lý")
    FUNDING = "funding", _("Kinh phí và chi tiêu")
    STAFF = "staff", _("Nhân lực")


class ValueType(models.TextChoices):
    INTEGER = "integer", _("Số nguyên")
    DECIMAL = "decimal", _("Số thập phân")
    PERCENT = "percent", _("Tỉ lệ phần trăm")
    BOOLEAN = "boolean", _("Có/Không")
    TEXT = "text", _("Văn bản")
    CHOICE = "choice", _("Chọn một")
    MULTI_CHOICE = "multi_choice", _("Chọn nhiều")
    SCALE = "scale", _("Thang điểm")
    FILE = "file", _("Tệp đính kèm")


NUMERIC_TYPES = frozenset(
    {ValueType.INTEGER, ValueType.DECIMAL, ValueType.PERCENT, ValueType.SCALE}
)


class FormKind(models.TextChoices):
    STATISTICS = "statistics", _("Báo cáo thống kê")
    SURVEY = "survey", _("Phiếu khảo sát")
    EXTERNAL = "external", _("Số liệu nhập từ nguồn ngoài")


class Periodicity(models.TextChoices):
    ANNUAL = "annual", _("Hằng năm")
    MONTHLY = "monthly", _("Hằng tháng")
    AD_HOC = "ad_hoc", _("Đột xuất")


class FormDefinition(models.Model):
    code = models.SlugField(_("mã biểu mẫu"), max_length=64)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    kind = models.CharField(_("loại"), max_length=16, choices=FormKind.choices)
    periodicity = models.CharField(
        _("kỳ báo cáo"), max_length=16, choices=Periodicity.choices, default=Periodicity.ANNUAL
    )
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    # A published version is frozen: rounds and reports refer to it.
    published = models.BooleanField(_("đã ban hành"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("biểu mẫu")
        verbose_name_plural = _("biểu mẫu")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="stats_form_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class PartKind(models.TextChoices):
    PART = "part", _("Thành phần (cộng lại bằng tổng)")
    OF_WHICH = "of_which", _("Trong đó (không bắt buộc cộng đủ)")


class DataElement(models.Model):
    form = models.ForeignKey(FormDefinition, on_delete=models.CASCADE, related_name="elements")
    code = models.CharField(_("mã chỉ tiêu"), max_length=32)
    label = models.CharField(_("tên chỉ tiêu"), max_length=500)
    label_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    group = models.CharField(_("nhóm"), max_length=16, choices=ElementGroup.choices, blank=True)
    section = models.CharField(_("phần"), max_length=255, blank=True)
    unit = models.CharField(_("đơn vị tính"), max_length=32, blank=True)
    unit_en = models.CharField(_("đơn vị (tiếng Anh)"), max_length=32, blank=True)
    value_type = models.CharField(_("kiểu dữ liệu"), max_length=16, choices=ValueType.choices)
    choices = models.JSONField(_("các lựa chọn"), default=list, blank=True)
    # Library types (registry LibraryType values) the element applies to; empty: all.
    applies_to = models.JSONField(_("áp dụng cho loại thư viện"), default=list, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    part_kind = models.CharField(
        _("quan hệ với chỉ tiêu tổng"), max_length=16, choices=PartKind.choices, blank=True
    )
    required = models.BooleanField(_("bắt buộc"), default=False)
    min_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    # Year-on-year ratio outside [low, high] is a warning that needs a note.
    yoy_low = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    yoy_high = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    # Shown only when another element of the form has one of the given values (surveys):
    # {"element": "Q3", "in": ["yes"]}.
    condition = models.JSONField(null=True, blank=True)
    # How aggregates add it up: sum (counts, money), none (texts, ratios of the library).
    aggregate = models.CharField(max_length=8, default="sum")
    help_text = models.TextField(_("hướng dẫn"), blank=True)
    help_text_en = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["form", "position"]
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="stats_element_form_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def is_numeric(self) -> bool:
        return self.value_type in NUMERIC_TYPES

    def applies_to_library(self, library_type: str) -> bool:
        return not self.applies_to or library_type in self.applies_to
