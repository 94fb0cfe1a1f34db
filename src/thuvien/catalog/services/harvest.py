"""Harvesting member libraries' servers into the catalogue, on their schedules.

A run fetches pages through a protocol of ``thuvien.catalog.harvest`` and stores each page
the way the file ingest stores a chunk (same reading, quarantine, counts and index), in one
transaction with the run's cursor: a run killed at any moment resumes after the last page
it stored, and because records are keyed (by OAI identifier, or by 001), a page fetched
twice updates in place instead of duplicating. Each run feeds one IngestBatch, whose page
shows the counts and the quarantined records; the run keeps the protocol's own counts and
the errors, in Vietnamese and English.
"""

from __future__ import annotations

import io
import json
import os
import socket
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from thuvien.accounts.permissions import Action, Target, require
from thuvien.catalog.harvest import HarvestConfig, Harvested, HarvestError, Limits, harvester
from thuvien.catalog.harvest.base import Page
from thuvien.catalog.models import BibRecord, HarvestRun, HarvestSource, Holding, IngestBatch
from thuvien.catalog.models.harvest import UNFINISHED, HarvestProtocol, RunStatus
from thuvien.catalog.models.ingest import BatchStatus
from thuvien.catalog.models.records import RecordStatus
from thuvien.catalog.services.batches import source_for
from thuvien.catalog.services.ingest import Outcome, Prepared, prepare_item, store_outcomes
from thuvien.kernel.audit import record_change

LEASE = timedelta(hours=1)  # a run untouched this long is free for another process
RETRY_FAILED_AFTER = timedelta(hours=1)  # a failed source is tried again this soon
INDEX_EVERY = 5000  # changed records between index updates during a run
MAX_MESSAGES = 200  # errors and notes kept per run
DEFAULT_CODES = {"oai-pmh": "oai", "sru": "sru", "z39.50": "z3950"}
REGISTRY_FIELDS = {"oai-pmh": "oai_endpoint", "sru": "sru_endpoint", "z39.50": "z3950_endpoint"}
FORMAT_NAMES = {"marcxml": "MARCXML", "oai_dc": "Dublin Core", "iso2709": "ISO 2709"}


class HarvestBusy(HarvestError):
    def __init__(self, harvest: HarvestSource, owner: str):
        super().__init__(
            f"Nguồn {harvest} đang được thu thập bởi tiến trình {owner}",
            f"The source {harvest} is being harvested by process {owner}",
            code="busy",
        )


# ---- configuration and schedule -------------------------------------------------------------


@transaction.atomic
def configure_harvest(
    actor, library, protocol: str, *, code: str = "", **settings: Any
) -> HarvestSource:
    """Create or change the harvest of ``library``'s source ``code`` (by default named after
    the protocol). ``settings`` are HarvestSource fields (endpoint, set_spec, query...)."""
    if actor is not None:
        require(actor, Action.CATALOG_INGEST, Target.for_library(library))
    if protocol not in HarvestProtocol.values:
        raise HarvestError(
            f"Giao thức {protocol!r} không được hỗ trợ (oai-pmh, sru, z39.50)",
            f"Unsupported protocol {protocol!r} (oai-pmh, sru, z39.50)",
            code="bad-protocol",
        )
    source = source_for(library, code or DEFAULT_CODES[protocol])
    harvest, created = HarvestSource.objects.get_or_create(
        source=source, defaults={"protocol": protocol}
    )
    before = {} if created else _settings_of(harvest)
    harvest.protocol = protocol
    for name, value in settings.items():
        setattr(harvest, name, value)
    try:
        harvest.full_clean(exclude=["source"])
    except ValidationError as error:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        raise HarvestError(
            f"Cấu hình thu thập không hợp lệ: {problems}",
            f"Invalid harvest settings: {problems}",
            code="bad-settings",
        ) from None
    harvest.save()
    _check(harvest)
    record_change(
        actor, "catalog.harvest.configure", harvest, before=before, after=_settings_of(harvest)
    )
    return harvest


def _settings_of(harvest: HarvestSource) -> dict[str, Any]:
    names = ("protocol", "endpoint", "metadata_prefix", "set_spec", "query", "enabled")
    return {name: getattr(harvest, name) for name in names} | {"interval": str(harvest.interval)}


def _check(harvest: HarvestSource) -> None:
    """Refuse settings no run could use (no endpoint, a malformed query or address)."""
    from thuvien.catalog.harvest import sru, z3950
    from thuvien.catalog.harvest.http import check_http_url

    endpoint = endpoint_of(harvest)
    if harvest.protocol == HarvestProtocol.Z3950:
        z3950.parse_target(endpoint)
        if harvest.query:
            z3950.check_pqf(harvest.query)
        return
    check_http_url(endpoint)
    if harvest.protocol == HarvestProtocol.SRU and harvest.query:
        sru.check_cql(harvest.query)


def endpoint_of(harvest: HarvestSource) -> str:
    """The source's endpoint, or else the one in the library's registry entry."""
    library = harvest.source.library
    endpoint = harvest.endpoint or getattr(library, REGISTRY_FIELDS[harvest.protocol], "")
    if not endpoint:
        raise HarvestError(
            f"Chưa có địa chỉ {harvest.get_protocol_display()} cho {harvest.source} (trong "
            "cấu hình thu thập hoặc danh bạ thư viện)",
            f"No {harvest.get_protocol_display()} address for {harvest.source} (in the "
            "harvest settings or the library's registry entry)",
            code="no-endpoint",
        )
    return endpoint


def config_of(harvest: HarvestSource, from_date: datetime | None = None) -> HarvestConfig:
    limits = Limits(
        timeout=float(harvest.timeout),
        deadline=max(float(harvest.timeout) * 10, 60.0),
        max_bytes=harvest.max_response_mb * 2**20,
        retries=harvest.retries,
        backoff=harvest.retry_backoff,
    )
    return HarvestConfig(
        endpoint=endpoint_of(harvest),
        metadata_prefix=harvest.metadata_prefix,
        set_spec=harvest.set_spec,
        query=harvest.query,
        page_size=max(1, harvest.page_size),
        from_date=from_date,
        limits=limits,
    )


def due_harvests(now: datetime | None = None):
    """Sources whose scheduled harvest is due (never run, or their next time has come)."""
    now = now or timezone.now()
    return (
        HarvestSource.objects.filter(enabled=True)
        .filter(Q(next_due_at__isnull=True) | Q(next_due_at__lte=now))
        .select_related("source__library")
        .order_by("next_due_at", "pk")
    )


def start_harvest(actor, harvest: HarvestSource, *, restart: bool = False, full: bool = False):
    """A job for the task worker (the web's and the scheduler's way in)."""
    from thuvien.ops.jobs import start_job

    if actor is not None:
        require(actor, Action.CATALOG_INGEST, Target.for_library(harvest.source.library))
    return start_job(
        "catalog.harvest",
        f"Thu thập {harvest.source}",
        {"harvest": harvest.pk, "restart": restart, "full": full},
        user=actor,
        library=harvest.source.library,
    )


def run_harvest_job(job, progress) -> dict[str, Any]:
    harvest = HarvestSource.objects.select_related("source__library").get(pk=job.params["harvest"])
    params = job.params
    return run_harvest(
        harvest, progress, job=job, restart=params.get("restart", False), full=params.get("full")
    )


# ---- a run ----------------------------------------------------------------------------------


class _Run:
    """A run in progress: its row, its batch, and what it has counted since the last page."""

    def __init__(self, row: HarvestRun, progress):
        self.row = row
        self.batch: IngestBatch = row.batch
        self.progress = progress
        self.counts = Counter(row.counts)
        self.records = Counter(self.batch.counts.get("records", {}))
        self.conversions = Counter(self.batch.counts.get("conversions", {}))
        self.messages: list[dict[str, Any]] = list(row.errors)
        self.to_index = 0

    def note(self, message: str, level: str = "note") -> None:
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(
                {
                    "at": timezone.now().isoformat(timespec="seconds"),
                    "page": self.row.pages + 1,
                    "level": level,
                    "message": message,
                }
            )
        if self.progress:
            self.progress.note(message[:500])

    def on_retry(self, notice) -> None:
        self.counts["retries"] += 1
        self.note(
            f"Thử lại lần {notice.attempt} sau {notice.wait:.1f} giây / attempt "
            f"{notice.attempt} in {notice.wait:.1f} s: {notice.reason}"
        )


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
    run = _Run(_open_run(harvest, probe.format, job, full), progress)
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


def _harvest(run: _Run, protocol) -> None:
    row = run.row
    if not row.cursor:
        cursor = protocol.start()
        HarvestRun.objects.filter(pk=row.pk).update(cursor=cursor)
        row.cursor = cursor
    if run.progress:
        run.progress.set_total(row.total)
        run.progress.set_done(run.counts.get("received", 0))
    for page in protocol.pages(row.cursor):
        _store_page(run, page)
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


# ---- storing a page -------------------------------------------------------------------------


def _store_page(run: _Run, page: Page) -> None:
    """The page's records, deletions, counts and cursor, committed together."""
    batch, row = run.batch, run.row
    outcomes, deletions = _outcomes(page.records, batch.position)
    for message in page.notes:
        run.note(message)
    run.counts.update(page.counters)
    run.counts["received"] += len(page.records)
    with transaction.atomic():
        if outcomes:
            result = store_outcomes(batch, outcomes)
            run.records.update(result.counts)
            run.conversions.update(result.conversions)
            run.to_index += len(result.to_index) + len(result.to_remove)
            batch.position = outcomes[-1].position
        run.to_index += _delete(batch, deletions, run.records)
        IngestBatch.objects.filter(pk=batch.pk).update(
            counts={"records": dict(run.records), "conversions": dict(run.conversions)}
        )
        row.pages += 1
        row.total = page.total if page.total is not None else row.total
        row.cursor = page.cursor
        HarvestRun.objects.filter(pk=row.pk).update(
            cursor=page.cursor,
            pages=F("pages") + 1,
            total=row.total,
            counts=dict(run.counts),
            errors=run.messages,
            lease_until=timezone.now() + LEASE,
        )
    if run.progress:
        if page.total is not None:
            run.progress.set_total(max(page.total, run.counts["received"]))
        run.progress.advance(len(page.records))


def _outcomes(records: list[Harvested], base: int) -> tuple[list[Outcome], list[str]]:
    """Records read and prepared as the ingest does, numbered on from ``base``; and the
    local ids of deletions."""
    outcomes, deletions = [], []
    for record in records:
        if record.deleted:
            deletions.append(record.local_id)
        else:
            outcomes.append(_outcome(base + len(outcomes) + 1, record))
    return outcomes, deletions


def _outcome(position: int, record: Harvested) -> Outcome:
    from thuvien.catalog.marc.readers import read_records

    data = record.data or b""
    if record.error:
        return Outcome(position, -1, data, _where(position, record, record.error))
    items = list(islice(read_records(io.BytesIO(data), record.format), 1))
    if not items:
        return Outcome(position, -1, data, _where(position, record, _unreadable(record)))
    item = replace(items[0], position=position)
    if item.error:
        return Outcome(position, -1, item.raw or data, _where(position, record, item.error))
    outcome = prepare_item(item)
    if isinstance(outcome.result, Prepared) and record.local_id:
        outcome.result.local_id = record.local_id  # the provider's key: deletions name it
    elif isinstance(outcome.result, str):
        outcome.result = _where(position, record, outcome.result)
    return outcome


def _unreadable(record: Harvested) -> str:
    name = FORMAT_NAMES.get(record.format, record.format)
    head = (record.data or b"")[:80]
    return (
        f"không có biểu ghi {name} đọc được trong dữ liệu nhận về (bắt đầu bằng {head!r}) / "
        f"no readable {name} record in the data received (it starts with {head!r})"
    )


def _where(position: int, record: Harvested, reason: str) -> str:
    """The reason, said for this record of the harvest: its number in the batch and where
    the provider has it (the reader's own "Record 1" is the record's place in its page)."""
    vi, sep, en = reason.partition(" / ")
    vi = _strip_place(vi, "Biểu ghi")
    en = _strip_place(en, "Record") if sep else vi
    return f"Biểu ghi {position} ({record.where}): {vi} / Record {position} ({record.where}): {en}"


def _strip_place(text: str, word: str) -> str:
    import re

    return re.sub(rf"^{word} \d+(?: \(byte -?\d+\))?: ", "", text)


def _delete(batch: IngestBatch, local_ids: list[str], records: Counter) -> int:
    """Mark the records the provider deleted; their holdings of this library go."""
    if not local_ids:
        return 0
    records["read"] += len(local_ids)
    live = BibRecord.objects.filter(
        source_id=batch.source_id, local_id__in=local_ids, status=RecordStatus.ACTIVE
    )
    ids = list(live.values_list("pk", flat=True))
    Holding.objects.filter(record__in=ids, library_id=batch.source.library_id).delete()
    BibRecord.objects.filter(pk__in=ids).update(
        status=RecordStatus.DELETED, indexed=False, last_batch=batch, updated_at=timezone.now()
    )
    records["deleted"] += len(ids)
    records["unchanged"] += len(local_ids) - len(ids)  # already deleted, or never seen
    return len(ids)


# ---- the end of a run -----------------------------------------------------------------------


def _index(run: _Run) -> None:
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


def _complete(run: _Run, harvest: HarvestSource) -> None:
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
    until = _parse_time(row.cursor.get("until"))
    updates: dict[str, Any] = {"next_due_at": now + harvest.interval}
    if until is not None:
        updates["harvested_until"] = until
    HarvestSource.objects.filter(pk=harvest.pk).update(**updates)
    row.refresh_from_db()


def _fail(run: _Run, harvest: HarvestSource, message: str) -> None:
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
