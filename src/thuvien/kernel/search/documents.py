"""Checking documents and values against a schema, the same way for every backend."""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from thuvien.kernel.search.base import Field, IndexSchema, search_error

_INT_LIMIT = 2**63  # tantivy and PostgreSQL both store 64-bit signed integers
MAX_KEYWORD_CHARS = 256


@dataclass(frozen=True)
class PreparedDocument:
    """A checked document: ``values`` holds each present field's typed values (dates as
    aware UTC datetimes); ``stored`` is the JSON the index keeps and hands back."""

    id: str
    values: dict[str, list[Any]]
    stored: str

    def with_id(self, doc_id: str) -> PreparedDocument:
        """The same document under another id (documents analysed before their id is known,
        e.g. before the database row exists). The stored JSON starts with the id."""
        head = '{"id": ' + json.dumps(self.id, ensure_ascii=False)
        if not self.stored.startswith(head):
            raise ValueError("stored JSON does not start with the id")
        stored = '{"id": ' + json.dumps(doc_id, ensure_ascii=False) + self.stored[len(head) :]
        return PreparedDocument(doc_id, self.values, stored)


def prepare(schema: IndexSchema, document: dict[str, Any]) -> PreparedDocument:
    doc_id = _document_id(document)
    unknown = set(document) - {"id"} - {f.name for f in schema.fields}
    if unknown:
        raise _document_error(doc_id, ", ".join(sorted(unknown)), "trường lạ", "unknown field")
    values: dict[str, list[Any]] = {}
    stored: dict[str, Any] = {"id": doc_id}
    for field in schema.fields:
        raw = _present(document.get(field.name))
        if not raw:
            continue
        if len(raw) > 1 and not field.multi:
            raise _document_error(doc_id, field.name, "chỉ nhận một giá trị", "takes one value")
        try:
            values[field.name] = [coerce(field, value) for value in raw]
        except (TypeError, ValueError) as exc:
            raise _document_error(doc_id, field.name, "giá trị sai", f"bad value: {exc}") from exc
        if field.stored:
            shown = [_json_value(r, v) for r, v in zip(raw, values[field.name], strict=True)]
            stored[field.name] = shown if field.multi else shown[0]
    return PreparedDocument(doc_id, values, json.dumps(stored, ensure_ascii=False))


def restore(schema: IndexSchema, stored: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """The stored JSON (or its parsed form) back as a document, with dates as dates again."""
    document = dict(stored) if isinstance(stored, dict) else json.loads(stored)
    for field in schema.fields:
        if field.kind == "date" and field.name in document:
            value = document[field.name]
            document[field.name] = (
                [_parse_iso(v) for v in value] if field.multi else (_parse_iso(value))
            )
    return document


def coerce(field: Field, value: Any) -> Any:
    """One value as the field's kind: str (NFC, no NUL), int, float or aware UTC datetime."""
    if field.kind == "text":
        return clean_text(str(value))
    if field.kind == "keyword":
        return clean_keyword(value)
    if field.kind == "integer":
        return _integer(value)
    if field.kind == "float":
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{value!r} is not a finite number")
        return number
    return to_datetime(value)


def clean_text(value: str) -> str:
    # NUL cannot be stored by PostgreSQL; NFC so that composed and decomposed input agree.
    return unicodedata.normalize("NFC", value.replace("\x00", ""))


def clean_keyword(value: Any) -> str:
    """Keywords are codes and short names: cut at :data:`MAX_KEYWORD_CHARS` so that no value
    can exceed an engine's term or index-entry limit (PostgreSQL GIN: about 2.7 kB)."""
    return clean_text(str(value))[:MAX_KEYWORD_CHARS]


def to_datetime(value: Any) -> datetime:
    """A date, datetime or ISO 8601 string as an aware UTC datetime (naive = UTC)."""
    if isinstance(value, str):
        value = _parse_iso(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise TypeError(f"{value!r} is not a date")


def _integer(value: Any) -> int:
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"{value!r} is not a whole number")
    number = int(value)
    if not -_INT_LIMIT <= number < _INT_LIMIT:
        raise ValueError(f"{value!r} is out of the 64-bit range")
    return number


def _parse_iso(value: str) -> date | datetime:
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)


def _json_value(raw: Any, value: Any) -> Any:
    """JSON for a coerced value; a plain date stays a date (not midnight UTC)."""
    if not isinstance(value, datetime):
        return value
    original = _parse_iso(raw) if isinstance(raw, str) else raw
    is_plain_date = isinstance(original, date) and not isinstance(original, datetime)
    return original.isoformat() if is_plain_date else value.isoformat()


def _present(value: Any) -> list[Any]:
    """The field's values as a list, without the missing ones (None, "")."""
    items = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
    return [v for v in items if v is not None and v != ""]


def _document_id(document: dict[str, Any]) -> str:
    raw = document.get("id")
    doc_id = clean_text(str(raw)).strip() if raw is not None else ""
    if not doc_id:
        raise search_error("Tài liệu thiếu mã (id).", "A document has no id.")
    return doc_id


def _document_error(doc_id: str, field: str, vietnamese: str, english: str) -> Exception:
    return search_error(
        f"Tài liệu {doc_id!r}, trường {field}: {vietnamese}.",
        f"Document {doc_id!r}, field {field}: {english}.",
    )
