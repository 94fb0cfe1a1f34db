"""Ingesting files of records from a contributing library.

The file is streamed record by record and written in chunks; each chunk commits the records,
their holdings, the quarantined items and the batch's position together, so a process
killed mid-ingest resumes after the last chunk it committed, with nothing lost and nothing
twice. Bad records never stop the batch: they are kept aside with the reason and position.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from thuvien.catalog.models import BibRecord, Holding, IngestBatch, QuarantinedRecord
from thuvien.catalog.models.ingest import BatchStatus, IngestMode
from thuvien.catalog.models.records import RecordStatus
from thuvien.catalog.services.indexing import index_pending_task

CHUNK = 1000
INDEX_EVERY = 20_000  # records between index commits (a commit costs a segment flush)


@dataclass
class Prepared:
    position: int
    local_id: str
    raw: bytes
    marc: bytes
    checksum: str
    title: str
    year: int | None
    deleted: bool
    conversions: list[str]
    holdings: list[dict[str, Any]] = field(default_factory=list)
    document: Any = None  # analysed for the index under id "0" until the row exists


def _holding(h) -> dict[str, Any]:
    """A holding read from 852/952: the branch joins the location (the library is the
    contributing one; its branches are places within it)."""
    location = " – ".join(p for p in (h.library, h.location) if p)
    return {
        "location": location,
        "call_number": h.call_number or "",
        "items": h.items,
        "available": h.available,
    }


@dataclass
class ChunkResult:
    counts: Counter
    conversions: Counter
    to_index: list[tuple[int, Any]] = field(default_factory=list)
    to_remove: list[int] = field(default_factory=list)


def _local_id(record, raw: bytes) -> str:
    """001, or a digest of the raw bytes when the record has none (stable across reruns)."""
    return (record.control_number or "")[:255] or "sha1:" + hashlib.sha1(raw).hexdigest()


def _prepare(item, holders: tuple[set[str], set[str]] = (set(), set())) -> Prepared | str:
    """A read item made ready to store, or the reason it cannot be."""
    from thuvien.catalog.marc import storage
    from thuvien.catalog.marc.extract import extract
    from thuvien.catalog.marc.unimarc import UnimarcError, is_unimarc, to_marc21

    record, conversions = item.record, list(item.conversions)
    if is_unimarc(record):
        try:
            record = to_marc21(record)
        except UnimarcError as exc:
            return str(exc)
        conversions.append("unimarc->marc21")
    extracted = extract(record)
    from thuvien.catalog.services.indexing import analyse_document, document

    return Prepared(
        document=analyse_document(document(0, extracted, *holders)),
        position=item.position,
        local_id=_local_id(record, item.raw),
        raw=item.raw,
        marc=storage.dump(record),
        checksum=hashlib.sha256(item.raw).hexdigest(),
        title=(extracted.title or "")[:1000],
        year=extracted.year,
        deleted=record.leader[5:6] == "d",
        conversions=conversions,
        holdings=[_holding(h) for h in extracted.holdings],
    )


def _holders(batch: IngestBatch) -> tuple[set[str], set[str]]:
    """The index facets every record of the batch gets: its library and province."""
    library = batch.source.library
    return {library.vn_id}, ({library.province.code} if library.province_id else set())


@dataclass
class Outcome:
    """A record read from the file and what became of it: ready to store, or the reason
    it is quarantined."""

    position: int
    offset: int | None
    raw: bytes
    result: Prepared | str


def prepare_item(item, holders: tuple[set[str], set[str]] = (set(), set())) -> Outcome:
    result = item.error or _prepare(item, holders)
    return Outcome(item.position, item.offset, item.raw, result)


def prepare_frames(frames: list, holders: tuple[set[str], set[str]]) -> list[Outcome]:
    """Read and prepare framed ISO 2709 records (run in the worker processes)."""
    from thuvien.catalog.marc.readers import read_frame

    return [prepare_item(read_frame(position, frame), holders) for position, frame in frames]


def _store_chunk(batch: IngestBatch, outcomes: list[Outcome]) -> ChunkResult:
    counts: Counter = Counter(read=len(outcomes))
    conversions: Counter = Counter()
    ready: dict[str, Prepared] = {}
    quarantined: list[QuarantinedRecord] = []
    for outcome in outcomes:
        prepared = outcome.result
        if isinstance(prepared, str):
            quarantined.append(
                QuarantinedRecord(
                    batch=batch,
                    position=outcome.position,
                    offset=outcome.offset,
                    raw=outcome.raw,
                    reason=prepared,
                )
            )
            continue
        conversions.update(c.split(":")[0] for c in prepared.conversions)
        if prepared.local_id in ready:  # the same id twice in a file: the last one wins
            counts["repeated_in_file"] += 1
        ready[prepared.local_id] = prepared
    with transaction.atomic():
        QuarantinedRecord.objects.bulk_create(quarantined, ignore_conflicts=True)
        counts["quarantined"] += len(quarantined)
        upserted, to_index, to_remove = _upsert(batch, list(ready.values()))
        counts.update(upserted)
        IngestBatch.objects.filter(pk=batch.pk).update(position=outcomes[-1].position)
    return ChunkResult(counts, conversions, to_index, to_remove)


def store_outcomes(batch: IngestBatch, outcomes: list[Outcome]) -> ChunkResult:
    """Store records that were read and prepared elsewhere (a harvest's page) the way a file's
    chunk is stored; inside the caller's transaction, so it can commit more with them."""
    return _store_chunk(batch, outcomes)


def _upsert(
    batch: IngestBatch, ready: list[Prepared]
) -> tuple[Counter, list[tuple[int, Any]], list[int]]:
    """Create, update or leave each record; return the counts, what the index must add
    (primary key and document) and what it must remove."""
    counts: Counter = Counter()
    existing = {
        r.local_id: r
        for r in BibRecord.objects.filter(
            source_id=batch.source_id, local_id__in=[p.local_id for p in ready]
        ).only("pk", "local_id", "checksum", "status")
    }
    new, changed, unchanged = [], [], []
    for p in ready:
        current = existing.get(p.local_id)
        status = RecordStatus.DELETED if p.deleted else RecordStatus.ACTIVE
        if current is None:
            if not p.deleted:
                new.append(_new_record(batch, p))
        elif current.checksum == p.checksum and current.status == status:
            unchanged.append(current.pk)
        else:
            _refresh(current, batch, p, status)
            changed.append(current)
    BibRecord.objects.bulk_create(new, batch_size=CHUNK)
    BibRecord.objects.bulk_update(
        changed,
        [
            "raw",
            "marc",
            "checksum",
            "title",
            "year",
            "conversions",
            "status",
            "indexed",
            "last_batch",
            "raw_format",
            "updated_at",  # bulk_update skips auto_now: harvesters go by this date
        ],
        batch_size=CHUNK,
    )
    BibRecord.objects.filter(pk__in=unchanged).update(last_batch=batch)
    _replace_holdings(batch, [*new, *changed], {p.local_id: p for p in ready})
    counts["stored"] += len(new)
    counts["updated"] += sum(1 for r in changed if r.status == RecordStatus.ACTIVE)
    counts["deleted"] += sum(1 for r in changed if r.status == RecordStatus.DELETED)
    counts["unchanged"] += len(unchanged)
    by_id = {p.local_id: p for p in ready}
    to_index = [
        (r.pk, by_id[r.local_id].document)
        for r in [*new, *changed]
        if r.status == RecordStatus.ACTIVE
    ]
    to_remove = [r.pk for r in changed if r.status != RecordStatus.ACTIVE]
    return counts, to_index, to_remove


def _new_record(batch: IngestBatch, p: Prepared) -> BibRecord:
    return BibRecord(
        source_id=batch.source_id,
        local_id=p.local_id,
        raw=p.raw,
        raw_format=batch.file_format,
        marc=p.marc,
        checksum=p.checksum,
        conversions=p.conversions,
        title=p.title,
        year=p.year,
        indexed=False,
        last_batch=batch,
    )


def _refresh(record: BibRecord, batch: IngestBatch, p: Prepared, status: str) -> None:
    record.raw, record.marc, record.checksum = p.raw, p.marc, p.checksum
    record.title, record.year, record.conversions = p.title, p.year, p.conversions
    record.status, record.indexed, record.last_batch = status, False, batch
    record.raw_format, record.updated_at = batch.file_format, timezone.now()


def _replace_holdings(
    batch: IngestBatch, records: list[BibRecord], prepared: dict[str, Prepared]
) -> None:
    """The contributing library's holdings of these records, as the file now states them."""
    library_id = batch.source.library_id
    Holding.objects.filter(
        record__in=[r.pk for r in records if r.pk], library_id=library_id
    ).delete()
    rows = []
    for record in records:
        if record.status != RecordStatus.ACTIVE:
            continue
        grouped: dict[tuple[str, str], list[dict]] = {}
        for h in prepared[record.local_id].holdings:
            grouped.setdefault((h.get("location", ""), h.get("call_number", "")), []).append(h)
        if not grouped:  # a library contributing a record holds it, count unknown
            rows.append(Holding(record=record, library_id=library_id))
        for (location, call_number), items in grouped.items():
            available = [h.get("available") for h in items]
            rows.append(
                Holding(
                    record=record,
                    library_id=library_id,
                    location=location[:255],
                    call_number=call_number[:255],
                    items=sum(h.get("items") or 1 for h in items),
                    available=None if None in available else sum(available),
                )
            )
    Holding.objects.bulk_create(rows, batch_size=CHUNK)


def _finish_replace(batch: IngestBatch) -> int:
    """In replace mode, records of the source that the file no longer has are deleted."""
    gone = BibRecord.objects.filter(source_id=batch.source_id, status=RecordStatus.ACTIVE).exclude(
        last_batch=batch
    )
    return gone.update(status=RecordStatus.DELETED, indexed=False, updated_at=timezone.now())


def estimate_records(path: Path, file_format: str) -> int | None:
    """How many records the file holds, for progress (a scan of bytes, no parsing)."""
    import re

    if file_format not in ("iso2709", "marcxml", "oai_dc"):
        return None
    pattern = re.compile(rb"\x1d" if file_format == "iso2709" else rb"<(?:\w+:)?record[\s>]")
    total, tail = 0, b""
    with open(path, "rb") as handle:
        while block := handle.read(1 << 22):
            data = tail + block
            total += len(pattern.findall(data))
            tail = data[-16:] if file_format != "iso2709" else b""
            total -= len(pattern.findall(tail)) if tail else 0
    return total


def _items(batch: IngestBatch):
    from thuvien.catalog.marc.readers import read_records
    from thuvien.catalog.services.tables import TABULAR_FORMATS, read_table_records

    path = Path(batch.file.path)
    if batch.file_format in TABULAR_FORMATS:
        return read_table_records(path, batch.file_format, batch.mapping)
    return read_records(path, batch.file_format or None)


def batched(iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items (the last may be shorter); itertools.batched from 3.12."""
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _die_with_parent(parent: int) -> None:
    """A worker ends when the ingest process does, even when it is killed (SIGKILL leaves
    no chance to stop the pool): Linux's parent-death signal, and a check for a parent that
    died before it was set."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _outcome_chunks(batch: IngestBatch, holders) -> Iterator[list[Outcome]]:
    """The records after the batch's position, read and prepared, a chunk at a time and in
    file order; ISO 2709 is prepared by worker processes when more than one is set."""
    size, workers = settings.THUVIEN_INGEST_CHUNK, settings.THUVIEN_INGEST_WORKERS
    if workers > 1 and batch.file_format == "iso2709":
        yield from _parallel_chunks(batch, holders, workers, size)
        return
    items = (item for item in _items(batch) if item.position > batch.position)
    for chunk in batched(items, size):
        yield [prepare_item(item, holders) for item in chunk]


def _parallel_chunks(batch, holders, workers: int, size: int) -> Iterator[list[Outcome]]:
    """Frames are cut here and read and prepared by the workers; a few chunks in flight,
    so memory stays bounded. Fork, before the index writer starts its threads: the workers
    touch neither the database nor the index."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from thuvien.catalog.marc.iso2709 import frames

    pending: deque = deque()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(workers, context, _die_with_parent, (os.getpid(),))
    with open(batch.file.path, "rb") as stream, pool:
        numbered = enumerate(frames(stream), 1)
        for chunk in batched((n for n in numbered if n[0] > batch.position), size):
            pending.append(pool.submit(prepare_frames, chunk, holders))
            if len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


class IndexFeed:
    """Feeds the index during an ingest: documents built while reading go straight to the
    writer (no second pass over the database), committed every INDEX_EVERY records; only then
    are their records marked indexed, so a crash leaves them for ``index_pending``."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.index = None
        self.uncommitted: list[int] = []

    def add(self, result: ChunkResult) -> None:
        if not self.enabled or not (result.to_index or result.to_remove):
            return
        from thuvien.catalog.services.indexing import catalog_index

        if self.index is None:
            self.index = catalog_index()
        self.index.upsert(doc.with_id(str(pk)) for pk, doc in result.to_index)
        self.index.delete(str(pk) for pk in result.to_remove)
        self.uncommitted += [pk for pk, _ in result.to_index] + result.to_remove
        if len(self.uncommitted) >= INDEX_EVERY:
            self.commit()

    def commit(self) -> None:
        if self.index is None:
            return
        self.index.commit()
        for start in range(0, len(self.uncommitted), 5000):
            BibRecord.objects.filter(pk__in=self.uncommitted[start : start + 5000]).update(
                indexed=True
            )
        self.uncommitted = []

    def close(self) -> None:
        if self.index is not None:
            self.index.close()  # releases the writer for the task worker
            self.index = None


def run_ingest(batch: IngestBatch, progress=None, *, index: bool = True) -> dict[str, Any]:
    """Read the batch's file from where the last run stopped; store, quarantine, index."""
    from thuvien.catalog.services.indexing import index_pending

    IngestBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    if progress:
        progress.set_total(estimate_records(Path(batch.file.path), batch.file_format))
        progress.set_done(batch.position)
    counts = Counter(batch.counts.get("records", {}))
    conversions = Counter(batch.counts.get("conversions", {}))
    holders, feed = _holders(batch), IndexFeed(index)
    try:
        for outcomes in _outcome_chunks(batch, holders):
            _flush(batch, outcomes, counts, conversions, progress, feed)
        feed.commit()
    finally:
        feed.close()
    if batch.mode == IngestMode.REPLACE:
        counts["deleted"] += _finish_replace(batch)
    if index:
        index_pending(batch.source_id)  # deletions, and anything an earlier run left
    report = _close(batch, counts, conversions)
    if index:  # without the index (a caller that indexes later) clustering waits too
        _cluster_later(batch)
    return report


def _cluster_later(batch: IngestBatch) -> None:
    """The source's new, changed and deleted records are clustered by the task worker once
    the ingest is done (ADR 0016): the records are searchable as soon as the ingest ends,
    and the worker, the only index writer, folds the clusters into the index after."""
    from thuvien.catalog.services.clusters import cluster_source_task

    cluster_source_task.enqueue(batch.source_id)


def _flush(batch, outcomes: list[Outcome], counts, conversions, progress, feed) -> None:
    result = _store_chunk(batch, outcomes)
    batch.position = outcomes[-1].position
    counts.update(result.counts)
    conversions.update(result.conversions)
    IngestBatch.objects.filter(pk=batch.pk).update(
        counts={"records": dict(counts), "conversions": dict(conversions)}
    )
    feed.add(result)
    if progress:
        progress.advance(len(outcomes))


def _close(batch: IngestBatch, counts: Counter, conversions: Counter) -> dict[str, Any]:
    report = {"records": dict(counts), "conversions": dict(conversions)}
    IngestBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE, counts=report, finished_at=timezone.now()
    )
    return report


def store_single(batch: IngestBatch, data: bytes) -> BibRecord:
    """Store one record given as bytes in any readable format (a quarantined record, or its
    correction), in the batch's source; raise IngestError with the reason if it is unreadable."""
    import io

    from thuvien.catalog.marc.readers import read_records
    from thuvien.catalog.services.batches import IngestError

    items = list(read_records(io.BytesIO(data)))
    if not items:
        raise IngestError("Không có biểu ghi nào / no record found")
    item = items[0]
    if item.error:
        raise IngestError(item.error)
    prepared = _prepare(item)
    if isinstance(prepared, str):
        raise IngestError(prepared)
    with transaction.atomic():
        _upsert(batch, [prepared])
    record = BibRecord.objects.get(source_id=batch.source_id, local_id=prepared.local_id)
    transaction.on_commit(lambda: index_pending_task.enqueue(batch.source_id))
    transaction.on_commit(lambda: _cluster_later(batch))  # a retried record joins its cluster
    return record
