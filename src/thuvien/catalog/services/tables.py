"""Spreadsheets of small libraries (CSV, XLSX) read as records through a column mapping."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from thuvien.catalog.marc.items import ReadItem
from thuvien.catalog.marc.tabular import TARGETS, MappingError, RowError, row_to_record
from thuvien.kernel.text import fold_for_search
from thuvien.registry.importing.readers import TableError, open_table

TABULAR_FORMATS = ("csv", "xlsx")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold_for_search(text))


def suggest_mapping(columns: list[str]) -> dict[str, str]:
    """{column: target} for headers that name a target in Vietnamese or English."""
    known: dict[str, str] = {}
    for target, (vi, en) in TARGETS.items():
        for label in (target, vi, en):
            known.setdefault(_key(label), target)
    mapping, used = {}, set()
    for column in columns:
        target = known.get(_key(column))
        if target and (target not in used or target in ("author", "subject", "isbn")):
            mapping[column] = target
            used.add(target)
    return mapping


def table_columns(path: Path, file_format: str) -> list[str]:
    return open_table(path, file_format).columns


def read_table_records(path: Path, file_format: str, mapping: dict[str, str]) -> Iterator[ReadItem]:
    """One ReadItem per data row; rows that cannot become a record carry their errors."""
    try:
        table = open_table(path, file_format)
    except TableError as exc:
        yield ReadItem(position=1, offset=-1, raw=b"", record=None, error=str(exc), conversions=())
        return
    for number, row in table.rows:
        raw = json.dumps(row, ensure_ascii=False).encode("utf-8")
        try:
            record = row_to_record(row, mapping, row_number=number).record
        except (RowError, MappingError) as exc:
            yield ReadItem(
                position=number, offset=-1, raw=raw, record=None, error=str(exc), conversions=()
            )
            continue
        yield ReadItem(
            position=number,
            offset=-1,
            raw=raw,
            record=record,
            error=None,
            conversions=("table->marc21",),
        )
