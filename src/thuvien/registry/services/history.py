"""Field history of a library, as readable differences between successive versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from thuvien.registry.models import Library

HIDDEN = {"id", "created_by", "vn_id"}


@dataclass
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


@dataclass
class Version:
    date: Any
    user: Any
    reason: str
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[FieldChange]


def _display(library_model, field_name: str, value) -> Any:
    field = library_model._meta.get_field(field_name)
    if field.choices and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and value is not None:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related else value
    return value


def field_history(library: Library, limit: int = 200) -> list[Version]:
    records = list(library.history.select_related("history_user").all()[: limit + 1])
    versions = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if older is None:
            versions.append(
                Version(
                    newer.history_date,
                    newer.history_user,
                    newer.history_change_reason or "",
                    "+",
                    [],
                )
            )
            continue
        delta = newer.diff_against(older)
        changes = [
            FieldChange(
                c.field,
                str(Library._meta.get_field(c.field).verbose_name),
                _display(Library, c.field, c.old),
                _display(Library, c.field, c.new),
            )
            for c in delta.changes
            if c.field not in HIDDEN
        ]
        versions.append(
            Version(
                newer.history_date,
                newer.history_user,
                newer.history_change_reason or "",
                newer.history_type,
                changes,
            )
        )
    return versions[:limit]
