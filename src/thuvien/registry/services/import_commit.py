"""Committing a previewed import: creates in bulk, updates one by one, events from codes.

Resumable: rows already written carry their library, and a rerun skips them.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from thuvien.kernel.audit.models import AuditEntry
from thuvien.registry.choices import EventKind, NameKind
from thuvien.registry.forms import AUTHORITY_FIELDS
from thuvien.registry.identifiers import format_identifier
from thuvien.registry.models import (
    IdentifierSequence,
    ImportBatch,
    ImportRow,
    Library,
    LibraryAlias,
    LibraryName,
)
from thuvien.registry.models.imports import ImportStatus, RowOutcome
from thuvien.registry.services.events import EventSpec, record_event
from thuvien.registry.services.indexing import schedule_index
from thuvien.registry.services.libraries import SEQUENCE_NAME, update_library

CHUNK = 500
FK_FIELDS = {"province", "commune", "old_commune", "parent"}
DECIMAL_FIELDS = {"latitude", "longitude", "floor_area_m2"}

# IMLS Public Libraries Survey structure-change codes (STATSTRU) -> lifecycle events.
IMLS_STRUCTURE_EVENTS = {
    "01": EventKind.MERGE,  # absorbs another entity: this one is the successor
    "02": EventKind.ESTABLISH,
    "03": EventKind.CEASE,
    "05": EventKind.MERGE,
    "23": EventKind.SUSPEND,
    "24": EventKind.RESUME,
    "08": EventKind.RESUME,
    "09": EventKind.RESUME,
}
# STATNAME 06 / STATADDR 07 are real renames and moves; 14 and 15 are minor corrections,
# which the field history records without an event.
IMLS_RENAME_CODES = {"06"}
IMLS_MOVE_CODES = {"07"}


def commit(batch: ImportBatch, actor, progress) -> dict[str, Any]:
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTING)
    todo = batch.rows.filter(
        library__isnull=True, outcome__in=[RowOutcome.CREATE, RowOutcome.UPDATE]
    ).order_by("number")
    progress.set_total(todo.count())
    created = updated = events = 0
    ids = list(todo.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        rows = list(ImportRow.objects.filter(pk__in=ids[start : start + CHUNK]).order_by("number"))
        with transaction.atomic():
            c, u, e = _commit_chunk(batch, rows, actor)
        created, updated, events = created + c, updated + u, events + e
        progress.advance(len(rows))
    report = {
        "created": created,
        "updated": updated,
        "events": events,
        "left_for_review": batch.rows.filter(outcome=RowOutcome.REVIEW).count(),
        "errors": batch.rows.filter(outcome=RowOutcome.ERROR).count(),
    }
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.COMMITTED, report={**batch.report, "commit": report}
    )
    return report


def _commit_chunk(batch: ImportBatch, rows: list[ImportRow], actor) -> tuple[int, int, int]:
    creates = [r for r in rows if r.outcome == RowOutcome.CREATE]
    updates = [r for r in rows if r.outcome == RowOutcome.UPDATE]
    parsed_before = {row.pk: row.parsed for row in rows}
    _create_all(batch, creates, actor)
    targets = _targets(updates, rows)
    for row in updates:
        _update_one(row, actor, targets)
    _add_aliases_and_names(updates)
    events = sum(_events_for(row, actor) for row in rows if row.library_id)
    _save_rows(rows, changed={r.pk for r in rows if r.parsed is not parsed_before[r.pk]})
    schedule_index(r.library_id for r in rows if r.library_id)
    return len(creates), len(updates), events


def _save_rows(rows: list[ImportRow], changed: set[int]) -> None:
    """Write each row's library and, where it changed, its parsed data. One executemany:
    bulk_update's CASE expressions grow with the batch and were most of the commit time."""
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET library_id = %s WHERE id = %s",
            [(r.library_id, r.pk) for r in rows if r.library_id],
        )
        cursor.executemany(
            f"UPDATE {table} SET parsed = %s WHERE id = %s",
            [(json.dumps(r.parsed, cls=DjangoJSONEncoder), r.pk) for r in rows if r.pk in changed],
        )


def _model_values(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in FK_FIELDS:
            values[f"{key}_id"] = value
        elif key in DECIMAL_FIELDS and value not in (None, ""):
            values[key] = Decimal(str(value))
        elif key == "founding_decision_date" and value:
            values[key] = datetime.date.fromisoformat(value)
        else:
            values[key] = value
    return values


def _allocate(count: int) -> list[str]:
    sequence, _ = IdentifierSequence.objects.select_for_update().get_or_create(name=SEQUENCE_NAME)
    first = sequence.last_value + 1
    sequence.last_value += count
    sequence.save(update_fields=["last_value"])
    return [format_identifier(n) for n in range(first, first + count)]


def _create_all(batch: ImportBatch, rows: list[ImportRow], actor) -> None:
    if not rows:
        return
    libraries = [Library(**_model_values(r.parsed["data"]), created_by=actor) for r in rows]
    for library, vn_id in zip(libraries, _allocate(len(rows)), strict=True):
        library.vn_id = vn_id
    bulk_create_with_history(
        libraries,
        Library,
        batch_size=CHUNK,
        default_user=actor,
        default_change_reason=f"import {batch.pk}",
    )
    by_id = dict(
        Library.objects.filter(vn_id__in=[lib.vn_id for lib in libraries]).values_list(
            "vn_id", "pk"
        )
    )
    for row, library in zip(rows, libraries, strict=True):
        row.library_id = by_id[library.vn_id]
    _add_aliases_and_names(rows)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor,
                actor_name=str(actor)[:150],
                action="registry.library.create",
                object_type="registry.library",
                object_id=str(row.library_id),
                object_repr=f"{row.parsed['data'].get('name', '')[:200]} ({lib.vn_id})",
                after=row.parsed["data"],
                note=f"import {batch.pk}, row {row.number}",
            )
            for row, lib in zip(rows, libraries, strict=True)
        ]
    )


def _add_aliases_and_names(rows: list[ImportRow]) -> None:
    aliases, names = [], []
    for row in rows:
        parsed = row.parsed
        if parsed.get("identifier"):
            aliases.append(
                LibraryAlias(
                    library_id=row.library_id,
                    scheme=parsed["identifier_scheme"],
                    value=parsed["identifier"],
                )
            )
        names += [
            LibraryName(library_id=row.library_id, name=n, kind=NameKind.VARIANT)
            for n in parsed.get("other_names", [])
        ]
    LibraryAlias.objects.bulk_create(aliases, ignore_conflicts=True)
    known = set(
        LibraryName.objects.filter(library_id__in={n.library_id for n in names}).values_list(
            "library_id", "name"
        )
    )
    LibraryName.objects.bulk_create([n for n in names if (n.library_id, n.name) not in known])


def _targets(rows: list[ImportRow], chunk: list[ImportRow]) -> dict[str, Library]:
    """The libraries that rows update, fetched in one query: by VN- id or earlier row
    (of an earlier chunk, already saved, or of this chunk, created a moment ago)."""
    wanted = {row.parsed["target"] for row in rows}
    in_chunk = {f"row:{r.number}": r.library_id for r in chunk if r.library_id}
    found = Library.objects.in_bulk(
        [t for t in wanted if not t.startswith("row:")], field_name="vn_id"
    )
    earlier = [int(t[4:]) for t in wanted if t.startswith("row:") and t not in in_chunk]
    by_row = {int(key[4:]): pk for key, pk in in_chunk.items()}
    if earlier:  # a duplicate of an earlier row of the same file
        by_row.update(
            ImportRow.objects.filter(batch=rows[0].batch_id, number__in=earlier).values_list(
                "number", "library_id"
            )
        )
    if by_row:
        libraries = Library.objects.in_bulk(list(by_row.values()))
        found.update({f"row:{n}": libraries[pk] for n, pk in by_row.items() if pk})
    return found


def _update_one(row: ImportRow, actor, targets: dict[str, Library]) -> None:
    library = targets.get(row.parsed["target"])
    if library is None:  # linked to a row that was not imported: a person decides again
        row.outcome = RowOutcome.REVIEW
        row.save(update_fields=["outcome"])
        return
    # Imports fill and refresh descriptive data; they never blank a field or change the
    # decisions of the managing authority (type, level, status...).
    changes = {
        k: v
        for k, v in row.parsed["data"].items()
        if v not in (None, "", []) and k not in AUTHORITY_FIELDS
    }
    # The official name changes only by a rename event; another spelling of it in a list
    # ("TV tỉnh…", without diacritics) is kept as a variant name.
    imported_name = changes.pop("name", None)
    changes.pop("country", None)
    codes = row.parsed.get("change_codes") or {}
    if (
        imported_name
        and imported_name != library.name
        and codes.get("name_change_code", "00") not in IMLS_RENAME_CODES
    ):
        row.parsed = {
            **row.parsed,
            "other_names": sorted({*row.parsed.get("other_names", []), imported_name}),
        }
    if any(_differs(library, key, value) for key, value in changes.items()):
        update_library(actor, library, changes, reason=f"import {row.batch_id}")
    row.library_id = library.pk


def _differs(library: Library, key: str, value: Any) -> bool:
    """Whether an imported value would change the library (most re-imported rows do not)."""
    current = getattr(library, f"{key}_id" if key in FK_FIELDS else key, None)
    if key in DECIMAL_FIELDS:
        return current is None or Decimal(str(value)) != current
    if key == "founding_decision_date":
        return str(current or "") != str(value)
    return current != value


def _events_for(row: ImportRow, actor) -> int:
    codes = row.parsed.get("change_codes") or {}
    if not codes or row.parsed.get("events_done"):
        return 0
    library = Library.objects.get(pk=row.library_id)
    date = datetime.date.fromisoformat(row.batch.defaults.get("event_date") or "2000-01-01")
    note = f"IMLS STATSTRU={codes.get('change_code', '')}"
    recorded = 0
    kind = IMLS_STRUCTURE_EVENTS.get(codes.get("change_code", "00"))
    if kind in (EventKind.CEASE, EventKind.SUSPEND, EventKind.RESUME, EventKind.ESTABLISH):
        if not (kind == EventKind.RESUME and library.status == "active"):
            record_event(
                actor,
                EventSpec(
                    kind, date, subjects=[library], note=note, source=f"import:{row.batch_id}"
                ),
            )
            recorded += 1
    elif kind == EventKind.MERGE:  # this library survives; the absorbed one is not named
        record_event(
            actor,
            EventSpec(
                kind,
                date,
                successors=[library],
                partial=True,
                note=f"{note}: thư viện bị sáp nhập không được nêu tên / "
                "the absorbed library is not named",
                source=f"import:{row.batch_id}",
            ),
        )
        recorded += 1
    new_name = row.parsed.get("data", {}).get("name", "")
    if codes.get("name_change_code", "00") in IMLS_RENAME_CODES and new_name != library.name:
        record_event(
            actor,
            EventSpec(
                EventKind.RENAME,
                date,
                subjects=[library],
                note=note,
                new_name=new_name,
                source=f"import:{row.batch_id}",
            ),
        )
        recorded += 1
    if codes.get("address_change_code", "00") in IMLS_MOVE_CODES:
        record_event(
            actor,
            EventSpec(
                EventKind.MOVE, date, subjects=[library], note=note, source=f"import:{row.batch_id}"
            ),
        )
        recorded += 1
    row.parsed = {**row.parsed, "events_done": True}
    return recorded


def actor_of(job) -> Any:
    return get_user_model().objects.get(pk=job.params["actor"])
