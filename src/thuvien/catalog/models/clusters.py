"""Clusters of records that are one publication (docs/adr/0016-deduplication.md).

A record belongs to at most one cluster. A record that matched nothing has no cluster row at
all: most records are alone, and a row for each would double the table for nothing; such a
record is its own search hit. A cluster has a preferred record (the search hit) and the
pairs that joined it (``MatchLink``, with the matcher's explanation). A cataloguer's
``ManualDecision`` is kept for ever and given to every rerun, so it always wins.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Cluster(models.Model):
    preferred = models.ForeignKey(
        "catalog.BibRecord",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("biểu ghi đại diện"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cụm biểu ghi trùng")
        verbose_name_plural = _("cụm biểu ghi trùng")

    def __str__(self) -> str:
        return f"#{self.pk}"


class ClusterMember(models.Model):
    record = models.OneToOneField(
        "catalog.BibRecord", on_delete=models.CASCADE, related_name="cluster_member"
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")

    class Meta:
        verbose_name = _("thành viên cụm")
        verbose_name_plural = _("thành viên cụm")

    def __str__(self) -> str:
        return f"{self.record_id} ∈ #{self.cluster_id}"


class MatchLink(models.Model):
    """A pair of records whose match joined their clusters, and why."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="links")
    left = models.ForeignKey("catalog.BibRecord", on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey("catalog.BibRecord", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("xác suất trùng"))
    explanation = models.JSONField(_("giải thích"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cặp biểu ghi khớp")
        verbose_name_plural = _("cặp biểu ghi khớp")

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.probability:.3f})"


class DecisionKind(models.TextChoices):
    MERGE = "merge", _("Gộp")
    SPLIT = "split", _("Tách")


class ManualDecision(models.Model):
    """Merge: ``record`` and every record of ``others`` are one publication. Split:
    ``record`` is none of ``others``. Applied in order on every run; a later decision on
    the same records replaces an earlier one."""

    kind = models.CharField(_("loại"), max_length=5, choices=DecisionKind.choices)
    record = models.ForeignKey(
        "catalog.BibRecord", on_delete=models.CASCADE, related_name="+", verbose_name=_("biểu ghi")
    )
    others = models.JSONField(_("các biểu ghi kia"), default=list)  # BibRecord ids
    reason = models.TextField(_("lý do"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định gộp/tách")
        verbose_name_plural = _("quyết định gộp/tách")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.record_id}: {self.others}"


class MatchKey(models.Model):
    """A blocking key of a record's clustered version: a new record is compared only with
    the records that share one of its keys, found here without loading the catalogue."""

    record = models.ForeignKey("catalog.BibRecord", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255, db_index=True)

    def __str__(self) -> str:
        return f"{self.record_id}: {self.key}"


class ClusteredVersion(models.Model):
    """Which version of a record was clustered: a changed checksum means cluster it again."""

    record = models.OneToOneField(
        "catalog.BibRecord", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    checksum = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.record_id}: {self.checksum[:12]}"
