"""Evaluating bodies and their criteria sets, stored from the JSON definitions (versioned:
a changed set becomes the next version; rounds keep the version they were opened with)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    MINISTRY = "ministry", _("Bộ")
    PROVINCE = "province", _("Sở Văn hoá, Thể thao và Du lịch")
    FOUNDING_BODY = "founding_body", _("Cơ quan, tổ chức thành lập thư viện")
    OTHER = "other", _("Cơ quan khác")


class EvaluatingBody(models.Model):
    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    kind = models.CharField(_("loại"), max_length=16, choices=BodyKind.choices)
    province = models.ForeignKey(
        "geo.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tỉnh/thành phố"),
    )

    class Meta:
        verbose_name = _("cơ quan đánh giá")
        verbose_name_plural = _("cơ quan đánh giá")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CriteriaSet(models.Model):
    body = models.ForeignKey(EvaluatingBody, on_delete=models.PROTECT, related_name="criteria")
    code = models.SlugField(_("mã"), max_length=64)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=500, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    # Other bodies may evaluate with a shared set (the ministry's example).
    shared = models.BooleanField(_("dùng chung"), default=False)
    form_code = models.SlugField(_("biểu mẫu thống kê"), max_length=64)
    library_types = models.JSONField(default=list, blank=True)
    ratings = models.JSONField(default=list)  # [{"code", "label", "label_en", "points"}] best first
    overall_bands = models.JSONField(default=list)  # [{"rating", "threshold"}]
    min_weight_share = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal("0.75"))
    definition = models.JSONField(default=dict)  # the file as loaded, to compare and export
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="evaluation_set_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def rating(self, code: str) -> dict | None:
        return next((r for r in self.ratings if r["code"] == code), None)


class Direction(models.TextChoices):
    HIGHER = "higher", _("Cao hơn là tốt hơn")
    LOWER = "lower", _("Thấp hơn là tốt hơn")


class Indicator(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("mã"), max_length=32)
    name = models.CharField(_("tên chỉ số"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    ref = models.CharField(_("nguồn"), max_length=255, blank=True)
    formula = models.CharField(_("công thức"), max_length=500)
    unit = models.CharField(_("đơn vị"), max_length=32, blank=True)
    unit_en = models.CharField(max_length=32, blank=True)
    decimals = models.PositiveSmallIntegerField(default=2)
    direction = models.CharField(_("hướng"), max_length=8, choices=Direction.choices)
    weight = models.DecimalField(_("trọng số"), max_digits=8, decimal_places=3)
    bands = models.JSONField(default=list)  # [{"rating", "threshold"}], best first
    applies_to = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        ordering = ["criteria_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"], name="evaluation_indicator_code_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    def applies_to_library(self, library_type: str) -> bool:
        return not self.applies_to or library_type in self.applies_to
