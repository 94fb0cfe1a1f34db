"""When the national tables last changed, for caching the pages drawn from them.

``tables_changed`` is called after every change the tables' pages show — by the services
that write in bulk, and by signals for single saves — and stamps the time; pages are
cached under ``tables_stamp()``. A stamp, not a counter, so that a restored database or a
rolled-back transaction never meets a cached page of other data under the same key.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models.signals import post_delete, post_migrate, post_save

from thuvien.stats.models import (
    DataElement,
    FormDefinition,
    PopulationFigure,
    ReportingRound,
    Submission,
    TablesVersion,
)

_ROW = 1
T = TypeVar("T")


def tables_changed() -> None:
    stamp = time.time_ns()
    if not TablesVersion.objects.filter(pk=_ROW).update(stamp=stamp):
        TablesVersion.objects.update_or_create(pk=_ROW, defaults={"stamp": stamp})


def tables_stamp() -> int:
    stamp = TablesVersion.objects.filter(pk=_ROW).values_list("stamp", flat=True).first()
    return stamp or 0


def cached(name: str, parts: tuple, compute: Callable[[], T], seconds: int = 3600) -> T:
    """``compute()``, kept while the tables stay as they are (``parts`` name the choice).
    Nothing is kept before the first change is stamped."""
    stamp = tables_stamp()
    if not stamp:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"stats-{name}:{stamp}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=seconds)
    return found


def _changed(**_kwargs) -> None:
    tables_changed()


def _migrated(using: str = "default", **_kwargs) -> None:
    """A deployment runs ``migrate``: pages drawn by the code it replaces are not served
    again (their templates or figures may have changed)."""
    from django.db import connections

    if TablesVersion._meta.db_table in connections[using].introspection.table_names():
        tables_changed()


def connect_signals(app_config) -> None:
    """Single saves and deletions of what the tables show (bulk writes call
    ``tables_changed`` themselves), and every run of ``migrate``."""
    for model in (Submission, ReportingRound, DataElement, FormDefinition, PopulationFigure):
        uid = f"stats-tables-{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    post_migrate.connect(_migrated, sender=app_config, dispatch_uid="stats-tables-migrate")
