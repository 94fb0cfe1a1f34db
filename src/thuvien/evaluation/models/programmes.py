"""Programmes (QĐ 206/QĐ-TTg and later ones) and their KPIs with targets: data, editable
in the admin and loaded from JSON."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from thuvien.evaluation.formulas import FormulaError
from thuvien.evaluation.formulas import parse as parse_formula


class Programme(models.Model):
    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=500)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=500, blank=True)
    form_code = models.SlugField(_("biểu mẫu thống kê"), max_length=64)

    class Meta:
        verbose_name = _("chương trình")
        verbose_name_plural = _("chương trình")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class KpiKind(models.TextChoices):
    RATIO = "ratio", _("Tỉ số của các tổng")
    SHARE = "share", _("Tỉ lệ thư viện đạt")


class ProgrammeKpi(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="kpis")
    code = models.SlugField(_("mã"), max_length=64)
    name = models.CharField(_("tên chỉ tiêu"), max_length=500)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    kind = models.CharField(_("cách tính"), max_length=8, choices=KpiKind.choices)
    formula = models.CharField(_("công thức"), max_length=500)
    meets_at_least = models.DecimalField(
        _("đạt khi giá trị tối thiểu"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    library_types = models.JSONField(_("loại thư viện"), default=list, blank=True)
    levels = models.JSONField(_("cấp"), default=list, blank=True)
    key_libraries = models.BooleanField(_("thư viện trọng điểm"), null=True, blank=True)
    target = models.DecimalField(_("mục tiêu"), max_digits=12, decimal_places=2)
    target_year = models.PositiveIntegerField(_("năm đạt mục tiêu"))
    unit = models.CharField(_("đơn vị"), max_length=16, default="%")
    note = models.TextField(_("ghi chú"), blank=True)
    note_en = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("chỉ tiêu chương trình")
        verbose_name_plural = _("chỉ tiêu chương trình")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="evaluation_kpi_code")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            parse_formula(self.formula)
        except FormulaError as exc:
            raise ValidationError({"formula": str(exc)}) from exc
        if self.kind == KpiKind.SHARE and self.meets_at_least is None:
            raise ValidationError(
                {"meets_at_least": _("Cần ngưỡng đạt / A share needs its threshold")}
            )
