"""Starting ingest batches and retrying quarantined records."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files import File
from django.db import transaction

from thuvien.accounts.permissions import Action, Target, require
from thuvien.catalog.models import IngestBatch, QuarantinedRecord, Source
from thuvien.catalog.models.ingest import IngestMode, QuarantineStatus
from thuvien.catalog.services.tables import TABULAR_FORMATS, suggest_mapping, table_columns
from thuvien.kernel.audit import record_change
from thuvien.registry.importing.readers import TableError


class IngestError(ValueError):
    """A file or request that cannot be ingested; the message is bilingual."""


def _check_size(file_obj) -> None:
    size = getattr(file_obj, "size", None)
    if size is None:
        file_obj.seek(0, os.SEEK_END)
        size = file_obj.tell()
        file_obj.seek(0)
    limit = settings.THUVIEN_MAX_INGEST_BYTES
    if size > limit:
        raise IngestError(
            f"Tệp lớn hơn giới hạn {limit // 2**20} MB / the file is larger "
            f"than {limit // 2**20} MB"
        )
    if size == 0:
        raise IngestError("Tệp rỗng / the file is empty")


def source_for(library, code: str = "default") -> Source:
    source, _ = Source.objects.get_or_create(library=library, code=code or "default")
    return source


@transaction.atomic
def create_batch(
    actor,
    library,
    file_obj,
    original_name: str,
    *,
    source_code: str = "default",
    mode: str = IngestMode.UPDATE,
    file_format: str | None = None,
) -> IngestBatch:
    """Store the file and register the batch. ``actor`` None means the server itself (CLI)."""
    from thuvien.catalog.marc.readers import sniff_format

    if actor is not None:
        require(actor, Action.CATALOG_INGEST, Target.for_library(library))
    _check_size(file_obj)
    head = file_obj.read(4096)
    file_obj.seek(0)
    detected = file_format or sniff_format(head)
    if detected == "unknown":
        raise IngestError(
            f"Không nhận ra định dạng tệp {original_name} (cần MARC 21 ISO 2709, MARCXML, "
            f"MARC-in-JSON, Dublin Core, CSV hoặc XLSX) / unrecognised file format for "
            f"{original_name} (MARC 21 ISO 2709, MARCXML, MARC-in-JSON, Dublin Core, CSV or "
            "XLSX expected)"
        )
    batch = IngestBatch(
        source=source_for(library, source_code),
        original_name=original_name[:255],
        file_format=detected,
        mode=mode,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    batch.file.save(os.path.basename(original_name)[-100:] or "records", File(file_obj), save=False)
    batch.save()
    if detected in TABULAR_FORMATS:
        _default_mapping(batch)
    record_change(
        actor,
        "catalog.batch.create",
        batch,
        after={"file": original_name, "library": library.vn_id, "format": detected},
    )
    return batch


def _default_mapping(batch: IngestBatch) -> None:
    from pathlib import Path

    try:
        columns = table_columns(Path(batch.file.path), batch.file_format)
    except TableError as exc:
        raise IngestError(str(exc)) from exc
    batch.mapping = suggest_mapping(columns)
    batch.save(update_fields=["mapping"])


def set_mapping(actor, batch: IngestBatch, mapping: dict[str, str]) -> IngestBatch:
    """The column mapping of a CSV/XLSX batch, checked against the file's columns."""
    from pathlib import Path

    from thuvien.catalog.marc.tabular import MappingError, check_mapping

    if actor is not None:
        require(actor, Action.CATALOG_INGEST, Target.for_library(batch.source.library))
    try:
        check_mapping(mapping, table_columns(Path(batch.file.path), batch.file_format))
    except (MappingError, TableError) as exc:
        raise IngestError(str(exc)) from exc
    batch.mapping = mapping
    batch.save(update_fields=["mapping"])
    return batch


def start_batch(actor, batch: IngestBatch):
    from thuvien.ops.jobs import start_job

    job = start_job(
        "catalog.ingest",
        f"Nạp {batch.original_name}",
        {"batch": batch.pk},
        user=actor,
        library=batch.source.library,
    )
    IngestBatch.objects.filter(pk=batch.pk).update(job=job)
    return job


@transaction.atomic
def retry_quarantined(actor, item: QuarantinedRecord, corrected: bytes | None = None):
    """Read a quarantined record again (as it was, or corrected by a cataloguer) and store it.

    Returns the stored BibRecord, or raises IngestError with the reader's reason."""
    from thuvien.catalog.services.ingest import store_single

    batch = item.batch
    if actor is not None:
        require(actor, Action.CATALOG_INGEST, Target.for_library(batch.source.library))
    record = store_single(batch, corrected if corrected is not None else bytes(item.raw))
    before = {"status": item.status}
    item.status, item.record = QuarantineStatus.RETRIED, record
    item.save(update_fields=["status", "record"])
    record_change(
        actor,
        "catalog.quarantine.retry",
        item,
        before=before,
        after={"status": item.status, "record": record.pk},
    )
    return record
