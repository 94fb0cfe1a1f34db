"""The data-quality report of a contributing library, stored so that its pages are fast."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogQualityReport(models.Model):
    """The latest report of one library (recomputed by ``thuvien catalog_quality``)."""

    library = models.OneToOneField(
        "registry.Library",
        on_delete=models.CASCADE,
        related_name="catalog_quality",
        verbose_name=_("thư viện"),
    )
    computed_at = models.DateTimeField(_("ngày tính"))
    records = models.PositiveIntegerField(_("số biểu ghi"), default=0)
    meets_standard = models.BooleanField(_("đạt chuẩn tích hợp"), default=False)
    data = models.JSONField(_("báo cáo"), default=dict)

    class Meta:
        verbose_name = _("báo cáo chất lượng dữ liệu")
        verbose_name_plural = _("báo cáo chất lượng dữ liệu")
        ordering = ["library__name"]

    def __str__(self) -> str:
        return f"{self.library_id} {self.computed_at:%Y-%m-%d}"
