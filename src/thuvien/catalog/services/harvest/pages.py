"""A run in progress and the storing of its pages: read by the catalogue's readers, stored by
the ingest's chunk store, with the deletions, the counts and the cursor in one transaction."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from thuvien.catalog.harvest import Harvested
from thuvien.catalog.harvest.base import Page
from thuvien.catalog.models import BibRecord, HarvestRun, Holding, IngestBatch
from thuvien.catalog.models.records import RecordStatus
from thuvien.catalog.services.ingest import Outcome, Prepared, prepare_item, store_outcomes

LEASE = timedelta(hours=1)  # a run untouched this long is free for another process
MAX_MESSAGES = 200  # errors and notes kept per run
FORMAT_NAMES = {"marcxml": "MARCXML", "oai_dc": "Dublin Core", "iso2709": "ISO 2709"}


class RunState:
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


def store_page(run: RunState, page: Page) -> None:
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
