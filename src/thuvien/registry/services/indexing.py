"""The library directory's search index: its schema, documents, and keeping it in step.

The database is the source of truth. Services schedule :func:`index_libraries` after commit;
the task worker is the only writer. :func:`reconcile` repairs any divergence (a crash between
a commit and its index update) and :func:`rebuild` recreates the index from scratch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django_tasks import task

from thuvien.kernel.search import (
    Field,
    IndexSchema,
    drop_index,
    get_index,
    write_index,
)
from thuvien.kernel.text import fold_for_search

LIBRARY_INDEX = IndexSchema(
    name="libraries",
    fields=(
        Field("name", "text", boost=3.0),
        Field("other_names", "text", boost=2.0, multi=True),
        Field("address", "text"),
        Field("bodies", "text", stored=False),
        Field("library_type", "keyword", facet=True),
        Field("level", "keyword", facet=True),
        Field("status", "keyword", facet=True),
        Field("ownership", "keyword", facet=True),
        Field("province", "keyword", facet=True),
        Field("commune", "keyword", facet=True),
        Field("country", "keyword", facet=True),
        Field("services", "keyword", facet=True, multi=True),
        Field("name_sort", "keyword", sortable=True, stored=False),
        Field("updated", "date", sortable=True),
        Field("display_address", "keyword"),
        Field("province_name", "keyword"),
        Field("commune_name", "keyword"),
        Field("latitude", "float"),
        Field("longitude", "float"),
    ),
)
BATCH = 1000


def library_index():
    return get_index(LIBRARY_INDEX)


def _queryset():
    from thuvien.registry.models import Library

    return Library.objects.select_related("province", "commune", "old_commune").prefetch_related(
        "other_names", "aliases"
    )


def document_for(library) -> dict[str, Any]:
    province, commune = library.province, library.commune
    current = [
        library.street_address,
        commune and commune.name,
        province and province.name,
        library.region,
    ]
    address_parts = [*current, library.old_address]
    return {
        "id": library.vn_id,
        "name": library.name,
        "other_names": [library.short_name, library.name_en]
        + [n.name for n in library.other_names.all()]
        + [a.value for a in library.aliases.all()],
        "address": ", ".join(p for p in address_parts if p),
        "bodies": " ".join(p for p in (library.founding_body, library.managing_body) if p),
        "library_type": library.library_type,
        "level": library.level or "none",
        "status": library.status,
        "ownership": library.ownership,
        "province": province.code if province else "",
        "commune": commune.code if commune else "",
        "country": library.country,
        "services": list(library.services or []),
        "name_sort": fold_for_search(library.name),
        "updated": library.updated_at,
        "display_address": ", ".join(p for p in current if p),
        "province_name": province.name if province else "",
        "commune_name": commune.name if commune else "",
        "latitude": float(library.latitude) if library.latitude is not None else None,
        "longitude": float(library.longitude) if library.longitude is not None else None,
    }


def _documents(pks: Iterable[int] | None = None) -> Iterator[dict[str, Any]]:
    queryset = _queryset().order_by("pk")
    if pks is not None:
        queryset = queryset.filter(pk__in=list(pks))
    for library in queryset.iterator(chunk_size=BATCH):
        yield document_for(library)


_suspended = threading.local()


@contextmanager
def indexing_suspended():
    """Schedule nothing inside this block: the caller rebuilds the index afterwards."""
    _suspended.active = True
    try:
        yield
    finally:
        _suspended.active = False


def schedule_index(pks: Iterable[int]) -> None:
    """Update the index for these libraries once the current transaction commits."""
    ids = sorted(set(pks))
    if ids and not getattr(_suspended, "active", False):
        transaction.on_commit(lambda: index_libraries.enqueue(ids))


@task()
def index_libraries(pks: list[int]) -> int:
    documents = list(_documents(pks))
    found = {d["id"] for d in documents}
    # Libraries are never deleted in normal work, but an id that no longer exists must go.
    from thuvien.registry.models import Library

    existing = set(Library.objects.filter(pk__in=pks).values_list("vn_id", flat=True))

    def apply(index) -> None:
        index.upsert(documents)
        index.delete(existing - found)

    write_index(LIBRARY_INDEX, apply)
    return len(documents)


def rebuild(progress=None) -> int:
    """Empty the index and index every library again."""
    from thuvien.registry.models import Library

    drop_index(LIBRARY_INDEX)  # also picks up a changed schema
    index = library_index()
    if progress:
        progress.set_total(Library.objects.count())
    count = 0
    batch: list[dict[str, Any]] = []
    for document in _documents():
        batch.append(document)
        if len(batch) >= BATCH:
            count += index.upsert(batch)
            batch.clear()
            if progress:
                progress.set_done(count)
    count += index.upsert(batch)
    index.commit()
    index.close()
    if progress:
        progress.set_done(count)
    return count


def reconcile() -> dict[str, int]:
    """Make the index match the database: add or refresh what is missing, drop strays."""
    from thuvien.registry.models import Library

    index = library_index()
    in_index = set(index.iter_ids())
    in_db = dict(Library.objects.values_list("vn_id", "pk"))
    missing = [pk for vn_id, pk in in_db.items() if vn_id not in in_index]
    strays = in_index - set(in_db)

    def apply(index) -> None:
        for start in range(0, len(missing), BATCH):
            index.upsert(_documents(missing[start : start + BATCH]))
        index.delete(strays)

    write_index(LIBRARY_INDEX, apply)
    return {"added": len(missing), "removed": len(strays), "total": len(in_db)}
