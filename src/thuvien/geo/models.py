"""Vietnam's administrative units in both schemes and the succession between them.

Codes were reused with other meanings on 1 July 2025 (ward 26740 is Phường Sài Gòn in 2025,
Phường Bến Nghé before), so a code is only meaningful together with its scheme.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scheme(models.TextChoices):
    V2025 = "2025", _("Từ 01/7/2025 (34 tỉnh, 2 cấp)")
    PRE2025 = "2008", _("Trước 01/7/2025 (63 tỉnh, 3 cấp)")


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class AdminUnitQuerySet(models.QuerySet):
    def current(self):
        return self.filter(scheme=Scheme.V2025)

    def provinces(self):
        return self.filter(level=Level.PROVINCE)

    def communes(self):
        return self.filter(level=Level.COMMUNE)


class AdminUnit(models.Model):
    scheme = models.CharField(_("hệ thống mã"), max_length=8, choices=Scheme.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=120)
    unit_type = models.CharField(_("loại đơn vị"), max_length=40, blank=True)
    english_name = models.CharField(_("tên tiếng Anh"), max_length=120, blank=True)
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    name_key = models.CharField(
        max_length=120,
        editable=False,
        help_text=_("Tên bỏ loại đơn vị, bỏ dấu, bỏ khoảng trắng: khoá để so khớp"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tỉnh chứa đơn vị (chính nó nếu là cấp tỉnh)"),
    )
    # A point inside the unit for map labels and for placing things that have no coordinates.
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["scheme", "level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "level", "code"], name="geo_unit_unique_code")
        ]
        indexes = [
            models.Index(fields=["scheme", "level", "name_folded"]),
            models.Index(fields=["scheme", "level", "name_key"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def qualified_code(self) -> str:
        """The code with its scheme, as it is written in exports: ``2025:26740``."""
        return f"{self.scheme}:{self.code}"


class UnitSuccession(models.Model):
    """An old (pre-2025) unit and the 2025 unit it became, wholly or in part."""

    old = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="successors")
    new = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="predecessors")
    whole = models.BooleanField(
        _("nhập nguyên vẹn"),
        default=True,
        help_text=_("Sai nếu đơn vị cũ bị chia cho nhiều đơn vị mới"),
    )

    class Meta:
        verbose_name = _("kế thừa đơn vị hành chính")
        verbose_name_plural = _("kế thừa đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["old", "new"], name="geo_succession_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.old} -> {self.new}"
