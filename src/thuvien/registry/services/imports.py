"""Bulk import of libraries from CSV/XLSX/JSON: upload, map columns, preview, commit.

Nothing is written to the registry before the preview has been seen. The preview matches
every row against the registry (and against earlier rows of the same file): a sure match
updates that library, a possible match waits for a person to decide, and only rows with no
match create libraries — an import never creates a duplicate silently. Bad rows are kept
with their errors and can be downloaded, fixed and imported again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from thuvien.accounts.permissions import Action, require
from thuvien.kernel.audit import record_change
from thuvien.ops.jobs import start_job
from thuvien.registry.importing.fields import suggest_mapping
from thuvien.registry.importing.readers import FORMATS, TableError, detect_format, open_table
from thuvien.registry.models import ImportBatch, ImportRow
from thuvien.registry.models.imports import ImportStatus, RowOutcome
from thuvien.registry.services.errors import LibraryDataError

SAMPLE_ROWS = 10
BATCH_SETTINGS = {"identifier_scheme", "event_date"}  # defaults that are not library fields


def _error(vi: str, en: str) -> LibraryDataError:
    return LibraryDataError({"file": [f"{vi} / {en}"]})


@transaction.atomic
def upload_import(actor, file_obj, original_name: str) -> ImportBatch:
    """Store the file, read its header and a sample, and suggest a column mapping."""
    require(actor, Action.REGISTRY_IMPORT)
    size = getattr(file_obj, "size", None)
    if size is None:
        file_obj.seek(0, os.SEEK_END)
        size = file_obj.tell()
        file_obj.seek(0)
    if size > settings.THUVIEN_MAX_IMPORT_BYTES:
        limit = settings.THUVIEN_MAX_IMPORT_BYTES // (1024 * 1024)
        raise _error(f"Tệp lớn hơn giới hạn {limit} MB", f"the file is larger than {limit} MB")
    if size == 0:
        raise _error("Tệp rỗng", "the file is empty")
    batch = ImportBatch(original_name=original_name[:255], created_by=actor)
    batch.file.save(Path(original_name).name[-100:] or "import", File(file_obj), save=False)
    path = Path(batch.file.path)
    try:
        batch.file_format = detect_format(path)
        table = open_table(path, batch.file_format)
        sample = [row for _, row in _take(table.rows, SAMPLE_ROWS)]
    except TableError as exc:
        batch.file.delete(save=False)
        raise LibraryDataError({"file": [str(exc)]}) from exc
    if batch.file_format not in FORMATS:
        raise _error("Định dạng không hỗ trợ", "unsupported format")
    batch.encoding = table.encoding
    batch.mapping = suggest_mapping(table.columns)
    batch.report = {"columns": table.columns, "sample": sample, "notes": table.notes}
    batch.save()
    record_change(
        actor,
        "registry.import.upload",
        batch,
        after={"file": original_name, "format": batch.file_format},
    )
    return batch


def _take(rows, count: int):
    for index, item in enumerate(rows):
        if index >= count:
            break
        yield item


def set_mapping(
    actor, batch: ImportBatch, mapping: dict[str, str], defaults: dict[str, str]
) -> ImportBatch:
    from thuvien.registry.importing.fields import TARGET_NAMES

    require(actor, Action.REGISTRY_IMPORT)
    columns = set(batch.report.get("columns", []))
    unknown = [c for c in mapping if c not in columns]
    bad_targets = [
        t
        for t in [*mapping.values(), *defaults]
        if t not in TARGET_NAMES and t not in BATCH_SETTINGS
    ]
    if unknown or bad_targets:
        raise LibraryDataError(
            {
                "mapping": [
                    f"Cột không có trong tệp: {', '.join(unknown)}; trường không hợp lệ: "
                    f"{', '.join(bad_targets)} / unknown columns: {', '.join(unknown)}; "
                    f"unknown fields: {', '.join(bad_targets)}"
                ]
            }
        )
    targets = list(mapping.values())
    duplicated = sorted({t for t in targets if targets.count(t) > 1})
    if duplicated:
        raise LibraryDataError(
            {
                "mapping": [
                    f"Nhiều cột cùng ánh xạ vào: {', '.join(duplicated)} / several columns map to: "
                    f"{', '.join(duplicated)}"
                ]
            }
        )
    if "name" not in targets:
        raise LibraryDataError(
            {
                "mapping": [
                    "Cần chọn cột chứa tên thư viện / choose the column with the library name"
                ]
            }
        )
    batch.mapping, batch.defaults = mapping, defaults
    batch.save(update_fields=["mapping", "defaults"])
    return batch


def start_preview(actor, batch: ImportBatch):
    require(actor, Action.REGISTRY_IMPORT)
    return start_job(
        "registry.import_preview",
        _("Xem trước nhập %(file)s") % {"file": batch.original_name},
        {"batch": batch.pk},
        user=actor,
    )


def start_commit(actor, batch: ImportBatch):
    require(actor, Action.REGISTRY_IMPORT)
    if batch.status not in (ImportStatus.PREVIEWED, ImportStatus.COMMITTING):
        raise _error("Cần xem trước trước khi nhập", "preview the import before committing it")
    return start_job(
        "registry.import_commit",
        _("Nhập %(file)s") % {"file": batch.original_name},
        {"batch": batch.pk, "actor": actor.pk},
        user=actor,
    )


@transaction.atomic
def _check_decision(row: ImportRow, decision: str) -> None:
    choices = {str(pk) for pk, _ in row.parsed.get("unit_choices", [])}
    valid = (
        decision in ("create", "skip")
        or (decision.startswith("link:") and decision[5:] in {c["key"] for c in row.candidates})
        or (decision.startswith("commune:") and decision[8:] in choices)
    )
    if not valid:
        raise LibraryDataError(
            {"decision": [f"Quyết định không hợp lệ: {decision} / invalid decision: {decision}"]}
        )
    if decision == "create" and choices:
        raise LibraryDataError(
            {
                "decision": [
                    "Xã/phường cũ đã bị chia: hãy chọn xã/phường mới trước / the old commune was "
                    "split: choose the new commune first"
                ]
            }
        )


def _choose_commune(row: ImportRow, pk: int) -> None:
    """The person picked the 2025 commune of an old, split one; match again on it."""
    from thuvien.geo.models import AdminUnit

    unit = AdminUnit.objects.get(pk=pk)
    data = {**row.parsed["data"], "commune": unit.pk, "province": unit.province_id}
    row.parsed = {**row.parsed, "data": data, "unit_choices": []}
    still_matching = any(c["verdict"] in ("same", "possible") for c in row.candidates)
    row.outcome = RowOutcome.REVIEW if still_matching else RowOutcome.CREATE


def decide_row(actor, row: ImportRow, decision: str) -> ImportRow:
    """A person's decision on a row under review: 'create', 'skip', 'link:VN-...' or
    'commune:<id>' (the new commune of an old one that was split)."""
    require(actor, Action.REGISTRY_IMPORT)
    _check_decision(row, decision)
    before = {"outcome": row.outcome}
    if decision.startswith("commune:"):
        _choose_commune(row, int(decision[8:]))
    elif decision == "create":
        row.outcome = RowOutcome.CREATE
    elif decision == "skip":
        row.outcome = RowOutcome.SKIP
    else:
        row.outcome = RowOutcome.UPDATE
        row.parsed = {**row.parsed, "target": decision[5:]}
    row.parsed = {**row.parsed, "decided_by": actor.pk}
    row.save(update_fields=["outcome", "parsed"])
    record_change(
        actor,
        "registry.import.decide",
        row,
        before=before,
        after={"outcome": row.outcome, "decision": decision},
    )
    return row


def summary(batch: ImportBatch) -> dict[str, Any]:
    from django.db.models import Count

    counts = dict(batch.rows.values_list("outcome").annotate(n=Count("id")))
    return {outcome: counts.get(outcome, 0) for outcome in RowOutcome.values}
