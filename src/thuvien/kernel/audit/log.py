"""Writing audit entries. Services call :func:`record_change` inside their transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The concrete field values of ``instance`` as JSON-ready data (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _jsonable(field.value_from_object(instance))
    return data


def record_change(
    actor,
    action: str,
    instance: models.Model | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    note: str = "",
):
    from thuvien.kernel.audit.models import AuditEntry

    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:255]
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=(str(actor) if authenticated else "system")[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note,
    )


def record_step(
    user,
    instance,
    event_model,
    owner: str,
    prefix: str,
    to_state: str,
    action: str,
    comment: str = "",
):
    """A workflow step: the instance moves to ``to_state``, its trail gets an event
    (``event_model`` with ``owner`` naming the instance's foreign key) and the audit log an
    entry "<prefix>.<action>". The caller saves the instance."""
    before = instance.state
    instance.state = to_state
    event_model.objects.create(
        **{owner: instance},
        action=action,
        from_state=before,
        to_state=to_state,
        actor=user if getattr(user, "is_authenticated", False) else None,
        comment=comment,
    )
    record_change(
        user,
        f"{prefix}.{action}",
        instance,
        before={"state": before},
        after={"state": to_state},
        note=comment,
    )
