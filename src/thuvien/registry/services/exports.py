"""Directory exports (CSV, XLSX, JSON): the same columns in every format, streamed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from thuvien.registry.models import Library

COLUMNS = [
    ("id", lambda lib: lib.vn_id),
    ("name", lambda lib: lib.name),
    ("name_en", lambda lib: lib.name_en),
    ("short_name", lambda lib: lib.short_name),
    ("library_type", lambda lib: lib.library_type),
    ("level", lambda lib: lib.level),
    ("ownership", lambda lib: lib.ownership),
    ("status", lambda lib: lib.status),
    ("is_key_public_library", lambda lib: lib.is_key_public_library),
    ("country", lambda lib: lib.country),
    ("region", lambda lib: lib.region),
    ("province_code_2025", lambda lib: lib.province.code if lib.province_id else ""),
    ("province_name", lambda lib: lib.province.name if lib.province_id else ""),
    ("commune_code_2025", lambda lib: lib.commune.code if lib.commune_id else ""),
    ("commune_name", lambda lib: lib.commune.name if lib.commune_id else ""),
    ("street_address", lambda lib: lib.street_address),
    ("old_address", lambda lib: lib.old_address),
    ("latitude", lambda lib: float(lib.latitude) if lib.latitude is not None else None),
    ("longitude", lambda lib: float(lib.longitude) if lib.longitude is not None else None),
    ("phone", lambda lib: lib.phone),
    ("email", lambda lib: lib.email),
    ("website", lambda lib: lib.website),
    ("services", lambda lib: "|".join(lib.services or [])),
    ("collection_size", lambda lib: lib.collection_size),
    ("staff_count", lambda lib: lib.staff_count),
    ("floor_area_m2", lambda lib: float(lib.floor_area_m2) if lib.floor_area_m2 else None),
    ("seats", lambda lib: lib.seats),
    ("parent_id", lambda lib: lib.parent.vn_id if lib.parent_id else ""),
    ("founding_decision", lambda lib: lib.founding_decision_number),
    (
        "founding_decision_date",
        lambda lib: lib.founding_decision_date.isoformat() if lib.founding_decision_date else "",
    ),
    ("updated_at", lambda lib: lib.updated_at.isoformat()),
]
HEADER = [name for name, _ in COLUMNS]
CHUNK = 1000


def libraries_by_ids(vn_ids: list[str] | None) -> Iterator[Library]:
    """Libraries in the order given (None: every library, by identifier)."""
    base = Library.objects.select_related("province", "commune", "parent")
    if vn_ids is None:
        yield from base.order_by("vn_id").iterator(chunk_size=CHUNK)
        return
    for start in range(0, len(vn_ids), CHUNK):
        chunk = vn_ids[start : start + CHUNK]
        found = base.in_bulk(chunk, field_name="vn_id")
        yield from (found[i] for i in chunk if i in found)


def rows(libraries: Iterable[Library]) -> Iterator[list]:
    for library in libraries:
        yield [getter(library) for _, getter in COLUMNS]


def csv_lines(libraries: Iterable[Library]) -> Iterator[str]:
    """CSV in UTF-8 with a BOM so that Excel opens Vietnamese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADER)
    for count, row in enumerate(rows(libraries), start=1):
        writer.writerow(["" if v is None else v for v in row])
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(libraries: Iterable[Library]) -> Iterator[str]:
    yield "["
    for count, row in enumerate(rows(libraries)):
        yield (
            ("," if count else "")
            + "\n"
            + json.dumps(dict(zip(HEADER, row, strict=True)), ensure_ascii=False)
        )
    yield "\n]\n"


def xlsx_bytes(libraries: Iterable[Library]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("thu-vien")
    sheet.append(HEADER)
    for row in rows(libraries):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
