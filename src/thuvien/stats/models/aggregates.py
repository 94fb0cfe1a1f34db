"""The tables the dashboards read: sums per round, element and dimension, kept up to date on
every approval and rebuildable from the raw values."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from thuvien.stats.models.forms import DataElement
from thuvien.stats.models.reports import ReportingRound


class Dimension(models.TextChoices):
    NATION = "nation", _("Toàn quốc")
    PROVINCE = "province", _("Tỉnh, thành phố")
    LIBRARY_TYPE = "type", _("Loại thư viện")
    LEVEL = "level", _("Cấp")
    REGION = "region", _("Vùng (ngoài Việt Nam)")


class AggregateCell(models.Model):
    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="cells")
    element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="cells")
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    key = models.CharField(max_length=64, blank=True)  # "" for the nation
    total = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    reported = models.PositiveIntegerField(default=0)  # libraries whose figure is summed
    estimated = models.PositiveIntegerField(default=0)  # of which estimated
    not_applicable = models.PositiveIntegerField(default=0)
    unknown = models.PositiveIntegerField(default=0)
    suppressed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "element", "dimension", "key"], name="stats_cell_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element_id}@{self.dimension}:{self.key}={self.total}"


class PopulationFigure(models.Model):
    """Population of an area in a year, for per-capita indicators (entered or imported with
    its source; no figure, no per-capita value — never a guess)."""

    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    key = models.CharField(max_length=64, blank=True)
    year = models.PositiveIntegerField()
    population = models.PositiveBigIntegerField()
    source = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "key", "year"], name="stats_population_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key} {self.year}: {self.population}"


class CountedFigures(models.Model):
    """The figures of a counted (approved or certified) report, packed in columns when it
    was counted (``thuvien.stats.columnar``), for the full rebuild of the tables. Deleted
    when the report is unlocked; ``rebuild`` repacks any that are missing. ``wide``: a
    figure too large to pack, so the rebuild reads this report's rows."""

    submission = models.OneToOneField(
        "stats.Submission",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="counted_figures",
    )
    figures = models.BinaryField(default=bytes)
    wide = models.BooleanField(default=False, db_index=True)

    def __str__(self) -> str:
        return f"figures of report {self.submission_id}"


class TablesVersion(models.Model):
    """One row whose stamp changes after anything the public tables show has changed
    (cells, reports, rounds, forms, populations): pages drawn from the tables are cached
    under the stamp (``thuvien.stats.freshness``)."""

    stamp = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"tables as of {self.stamp}"
