"""Harvests: where and how to fetch a contributing library's records, on which schedule, and
each run with its cursor (to resume after a crash), counts and errors."""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HarvestProtocol(models.TextChoices):
    OAI_PMH = "oai-pmh", "OAI-PMH"
    SRU = "sru", "SRU"
    Z3950 = "z39.50", "Z39.50"


class HarvestSource(models.Model):
    """A source (library + code) whose records are harvested from the library's server.

    An empty endpoint means the one in the library's registry entry for the protocol."""

    source = models.OneToOneField(
        "catalog.Source", on_delete=models.CASCADE, related_name="harvest", verbose_name=_("nguồn")
    )
    protocol = models.CharField(_("giao thức"), max_length=8, choices=HarvestProtocol.choices)
    endpoint = models.CharField(
        _("địa chỉ máy chủ"),
        max_length=500,
        blank=True,
        help_text=_("URL OAI-PMH/SRU hoặc máy:cổng/CSDL Z39.50; trống: địa chỉ trong danh bạ"),
    )
    metadata_prefix = models.CharField(
        _("metadataPrefix (OAI-PMH) / recordSchema (SRU)"), max_length=64, blank=True
    )
    set_spec = models.CharField(_("tập (set) OAI-PMH"), max_length=255, blank=True)
    query = models.CharField(
        _("truy vấn"),
        max_length=2000,
        blank=True,
        help_text=_("CQL cho SRU, PQF cho Z39.50; trống: mọi biểu ghi"),
    )
    page_size = models.PositiveIntegerField(_("số biểu ghi mỗi trang"), default=100)
    interval = models.DurationField(_("chu kỳ thu thập"), default=timedelta(days=1))
    enabled = models.BooleanField(_("thu thập theo lịch"), default=True)
    replace_missing = models.BooleanField(
        _("xóa biểu ghi không còn trên máy chủ"),
        default=False,
        help_text=_("Sau một lần thu thập toàn bộ trọn vẹn (SRU, Z39.50, OAI-PMH không có from)"),
    )
    timeout = models.PositiveIntegerField(_("thời gian chờ mỗi thao tác (giây)"), default=60)
    retries = models.PositiveIntegerField(_("số lần thử lại"), default=5)
    retry_backoff = models.FloatField(_("chờ trước lần thử lại đầu (giây)"), default=2.0)
    max_response_mb = models.PositiveIntegerField(_("giới hạn mỗi phản hồi (MB)"), default=32)
    harvested_until = models.DateTimeField(
        _("đã thu thập đến"),
        null=True,
        blank=True,
        help_text=_("Mốc from= của lần thu thập OAI-PMH tăng dần tiếp theo"),
    )
    next_due_at = models.DateTimeField(_("lần chạy tới"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nguồn thu thập")
        verbose_name_plural = _("nguồn thu thập")

    def __str__(self) -> str:
        return f"{self.source} ({self.get_protocol_display()})"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Đang thu thập")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Dừng vì lỗi (chạy lại sẽ tiếp tục)")
    ABANDONED = "abandoned", _("Bỏ dở")


UNFINISHED = (RunStatus.RUNNING, RunStatus.FAILED)


class HarvestRun(models.Model):
    """One harvest of a source, from its first page to its last, across restarts.

    ``cursor`` is committed with each page's records: a run killed at any moment resumes
    after the last page it stored. One unfinished run per source at a time."""

    harvest = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="runs")
    batch = models.OneToOneField(
        "catalog.IngestBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="harvest_run",
    )
    job = models.ForeignKey(
        "ops.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    from_date = models.DateTimeField(_("từ ngày (from)"), null=True, blank=True)
    cursor = models.JSONField(_("vị trí tiếp tục"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("tổng số theo máy chủ"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("số trang"), default=0)
    counts = models.JSONField(_("số liệu"), default=dict, blank=True)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    owner = models.CharField(_("tiến trình đang chạy"), max_length=120, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần thu thập")
        verbose_name_plural = _("lần thu thập")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["harvest"],
                condition=Q(status__in=["running", "failed"]),
                name="catalog_harvestrun_one_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.harvest} #{self.pk}"
