"""A harvest run from its first page to its last, across faults and restarts: taking the run
(one process at a time), paging through the protocol, the index, the end and the report."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from thuvien.catalog.harvest import HarvestError, harvester
from thuvien.catalog.models import BibRecord, HarvestRun, HarvestSource, IngestBatch
from thuvien.catalog.models.harvest import UNFINISHED, HarvestProtocol, RunStatus
from thuvien.catalog.models.ingest import BatchStatus
from thuvien.catalog.models.records import RecordStatus
from thuvien.catalog.services.harvest.pages import FORMAT_NAMES, LEASE, RunState, store_page
from thuvien.catalog.services.harvest.sources import config_of, endpoint_of
from thuvien.kernel.audit import record_change

RETRY_FAILED_AFTER = timedelta(hours=1)  # a failed source is tried again this soon
INDEX_EVERY = 5000  # changed records between index updates during a run


class HarvestBusy(HarvestError):
    def __init__(self, harvest: HarvestSource, owner: str):
        super().__init__(
            f"Nguồn {harvest} đang được thu thập bởi tiến trình {owner}",
            f"The source {harvest} is being harvested by process {owner}",
            code="busy",
        )


def run_harvest_job(job, progress) -> dict[str, Any]:
    """The job handler's work. A run that stops still leaves its report on the failed job:
    what was stored before, and why it stopped."""
    harvest = HarvestSource.objects.select_related("source__library").get(pk=job.params["harvest"])
    flags = {"restart": job.params.get("restart", False), "full": job.params.get("full", False)}
    try:
        return run_harvest(harvest, progress, job=job, **flags)
    except HarvestError:
        row = harvest.runs.filter(job=job).order_by("-pk").first()
        if row is not None:
            job.report = report(row)  # the job runner saves it with the failure
        raise


def run_harvest(
    harvest: HarvestSource,
    progress=None,
    *,
    job=None,
    restart: bool = False,
    full: bool = False,
) -> dict[str, Any]:
    """Harvest ``harvest`` now: resume its unfinished run, or start a new one (incremental
    from the last complete one for OAI-PMH unless ``full``; ``restart`` abandons an
    unfinished run first). Raises HarvestError after recording it when the run stops."""
    if restart:
        _abandon(harvest)
    config = config_of(harvest)
    probe = harvester(harvest.protocol, config)
    run = RunState(_open_run(harvest, probe.format, job, full), progress)
    protocol = harvester(
        harvest.protocol,
        replace(config, from_date=run.row.from_date),
        on_retry=run.on_retry,
    )
    try:
        _harvest(run, protocol)
    except HarvestError as error:
        _fail(run, harvest, str(error))
        raise
    except Exception as error:  # recorded, so the run's page says why it stopped
        _fail(run, harvest, f"Lỗi không lường trước / unexpected error: {error!r}")
        raise
    finally:
        _index(run)
        HarvestRun.objects.filter(pk=run.row.pk, owner=_owner()).update(owner="", lease_until=None)
    _complete(run, harvest)
    return report(run.row)


def _harvest(run: RunState, protocol) -> None:
    row = run.row
    if not row.cursor:
        cursor = protocol.start()
        HarvestRun.objects.filter(pk=row.pk).update(cursor=cursor)
        row.cursor = cursor
    if run.progress:
        run.progress.set_total(row.total)
        run.progress.set_done(run.counts.get("received", 0))
    for page in protocol.pages(row.cursor):
        store_page(run, page)
        if run.to_index >= INDEX_EVERY:
            _index(run)


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_gone(owner: str) -> bool:
    """True when ``owner`` was a process on this machine that no longer runs (killed)."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _open_run(harvest: HarvestSource, file_format: str, job, full: bool) -> HarvestRun:
    """The source's unfinished run, taken over, or a new one with its batch."""
    row = harvest.runs.filter(status__in=UNFINISHED).first()
    if row is None:
        try:
            with transaction.atomic():
                row = _new_run(harvest, file_format, job, full)
        except IntegrityError:  # another process has just opened one
            row = harvest.runs.filter(status__in=UNFINISHED).first()
    if row is None or not _claim(row):
        raise HarvestBusy(harvest, row.owner if row else "?")
    row.refresh_from_db()
    if job is not None:
        HarvestRun.objects.filter(pk=row.pk).update(job=job)
        IngestBatch.objects.filter(pk=row.batch_id).update(job=job)
    IngestBatch.objects.filter(pk=row.batch_id).update(status=BatchStatus.RUNNING)
    row.batch.refresh_from_db()
    HarvestSource.objects.filter(pk=harvest.pk).update(next_due_at=timezone.now() + LEASE)
    return row


def _new_run(harvest: HarvestSource, file_format: str, job, full: bool) -> HarvestRun:
    incremental = harvest.protocol == HarvestProtocol.OAI_PMH and not full
    from_date = harvest.harvested_until if incremental else None
    batch = IngestBatch(
        source=harvest.source,
        original_name=f"{harvest.get_protocol_display()} {endpoint_of(harvest)}"[:255],
        file_format=file_format,
        status=BatchStatus.RUNNING,
        job=job,
    )
    manifest = {
        "protocol": harvest.protocol,
        "endpoint": endpoint_of(harvest),
        "metadata_prefix": harvest.metadata_prefix,
        "set": harvest.set_spec,
        "query": harvest.query,
        "from": from_date.isoformat() if from_date else None,
        "format": FORMAT_NAMES.get(file_format, file_format),
    }
    content = ContentFile(json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    batch.file.save(f"harvest-{harvest.source.code}.json", content, save=False)
    batch.save()
    row = HarvestRun.objects.create(
        harvest=harvest,
        batch=batch,
        job=job,
        from_date=from_date,
        owner=_owner(),
        lease_until=timezone.now() + LEASE,
    )
    record_change(None, "catalog.harvest.start", row, after=manifest)
    return row


def _claim(row: HarvestRun) -> bool:
    """Take the run for this process: free, ours, its lease over, or its process gone."""
    now, me = timezone.now(), _owner()
    free = Q(owner="") | Q(owner=me) | Q(lease_until__lt=now)
    if row.owner and _owner_gone(row.owner):
        free |= Q(owner=row.owner)
    claimed = HarvestRun.objects.filter(pk=row.pk).filter(free)
    return claimed.update(owner=me, lease_until=now + LEASE, status=RunStatus.RUNNING) == 1


def _abandon(harvest: HarvestSource) -> None:
    """Leave the unfinished run behind (its stored records stay) so that a new one starts."""
    for row in harvest.runs.filter(status__in=UNFINISHED):
        if not _claim(row):
            raise HarvestBusy(harvest, row.owner)
        HarvestRun.objects.filter(pk=row.pk).update(
            status=RunStatus.ABANDONED, owner="", lease_until=None, finished_at=timezone.now()
        )
        IngestBatch.objects.filter(pk=row.batch_id).update(
            status=BatchStatus.FAILED, finished_at=timezone.now()
        )


def _index(run: RunState) -> None:
    """Bring the index up to date with what the run stored; when another process holds the
    index writer, the task worker does it (records stay marked until it has)."""
    from thuvien.catalog.services.indexing import index_pending, index_pending_task
    from thuvien.kernel.search import SearchError

    run.to_index = 0
    try:
        index_pending(run.batch.source_id)
    except SearchError as error:
        run.note(f"{error}; chỉ mục sẽ do tiến trình tác vụ cập nhật / the task worker will index")
        index_pending_task.enqueue(run.batch.source_id)


def _cluster(run: RunState) -> None:
    """The harvested records are clustered by the task worker, as after a file ingest."""
    from thuvien.catalog.services.clusters import cluster_source_task

    cluster_source_task.enqueue(run.batch.source_id)


def _complete(run: RunState, harvest: HarvestSource) -> None:
    row, now = run.row, timezone.now()
    if harvest.replace_missing and row.from_date is None:
        gone = BibRecord.objects.filter(
            source_id=harvest.source_id, status=RecordStatus.ACTIVE
        ).exclude(last_batch=run.batch)  # as the ingest's "replace" mode
        run.records["deleted"] += gone.update(
            status=RecordStatus.DELETED, indexed=False, updated_at=now
        )
        _index(run)
    report_counts = {"records": dict(run.records), "conversions": dict(run.conversions)}
    IngestBatch.objects.filter(pk=run.batch.pk).update(
        status=BatchStatus.DONE, counts=report_counts, finished_at=now
    )
    HarvestRun.objects.filter(pk=row.pk).update(
        status=RunStatus.DONE, finished_at=now, owner="", lease_until=None
    )
    _cluster(run)
    until = _parse_time(row.cursor.get("until"))
    updates: dict[str, Any] = {"next_due_at": now + harvest.interval}
    if until is not None:
        updates["harvested_until"] = until
    HarvestSource.objects.filter(pk=harvest.pk).update(**updates)
    row.refresh_from_db()


def _fail(run: RunState, harvest: HarvestSource, message: str) -> None:
    run.note(message, level="error")
    now = timezone.now()
    HarvestRun.objects.filter(pk=run.row.pk).update(
        status=RunStatus.FAILED, errors=run.messages, counts=dict(run.counts)
    )
    IngestBatch.objects.filter(pk=run.batch.pk).update(status=BatchStatus.FAILED)
    retry_at = now + min(harvest.interval, RETRY_FAILED_AFTER)
    HarvestSource.objects.filter(pk=harvest.pk).update(next_due_at=retry_at)
    run.row.refresh_from_db()


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def report(row: HarvestRun) -> dict[str, Any]:
    """What a user reads on the job page and in the CLI."""
    batch = row.batch
    return {
        "run": row.pk,
        "batch": batch.pk if batch else None,
        "status": row.status,
        "pages": row.pages,
        "total": row.total,
        "harvest": row.counts,
        "records": batch.counts.get("records", {}) if batch else {},
        "conversions": batch.counts.get("conversions", {}) if batch else {},
        "errors": [m["message"] for m in row.errors if m.get("level") == "error"][-20:],
        "notes": len([m for m in row.errors if m.get("level") != "error"]),
    }
