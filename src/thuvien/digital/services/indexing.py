"""The digital collections' search index: metadata and OCR text of published objects.

Like the catalogue's, it follows the database: ``DigitalObject.indexed`` stays False until
the index has committed the object, so ``reconcile`` repairs a crash between the two. Only
published objects are in it; the access level is a filter, so readers only find what they
may read, and the text of a restricted object never shows up in a snippet.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from thuvien.digital.models import DigitalObject, ObjectStatus
from thuvien.kernel.search import (
    Field,
    IndexSchema,
    drop_index,
    get_index,
    write_index,
)

DIGITAL_INDEX = IndexSchema(
    name="digital",
    fields=(
        Field("title", "text", boost=4.0),
        Field("creator", "text", boost=2.0, multi=True),
        Field("subject", "text", boost=1.5, multi=True),
        Field("description", "text", multi=True),
        Field("text", "text"),
        Field("kind", "keyword", facet=True),
        Field("library", "keyword", facet=True),
        Field("collection", "keyword", facet=True),
        Field("language", "keyword", facet=True, multi=True),
        Field("access", "keyword", facet=True),
        Field("year", "integer", sortable=True),
        Field("pages", "integer"),
        Field("record", "keyword"),
    ),
)


def digital_index():
    return get_index(DIGITAL_INDEX)


def document(obj: DigitalObject) -> dict:
    dc = obj.dc or {}
    text = "\n".join(t for t in obj.pages.order_by("order").values_list("text", flat=True) if t)
    return {
        "id": obj.ident,
        "title": obj.title,
        "creator": dc.get("creator", []),
        "subject": dc.get("subject", []),
        "description": dc.get("description", []),
        "text": text,
        "kind": obj.kind,
        "library": obj.library.vn_id,
        "collection": obj.collection.slug if obj.collection_id else "",
        "language": dc.get("language", []),
        "access": obj.access,
        "year": _year(dc.get("date", [])),
        "pages": obj.page_count,
        "record": str(obj.record_id or ""),
    }


def _year(dates: list[str]) -> int | None:
    for value in dates:
        digits = "".join(ch if ch.isdigit() else " " for ch in value).split()
        for chunk in digits:
            if len(chunk) == 4:
                return int(chunk)
    return None


def index_objects(objects) -> int:
    objects = list(objects)
    shown = [o for o in objects if o.status == ObjectStatus.READY]
    gone = [o.ident for o in objects if o.status != ObjectStatus.READY and o.ident]

    def apply(index) -> None:
        if shown:
            index.upsert(document(o) for o in shown)
        if gone:
            index.delete(gone)

    write_index(DIGITAL_INDEX, apply)
    DigitalObject.objects.filter(pk__in=[o.pk for o in objects]).update(indexed=True)
    return len(shown)


def schedule_index(obj: DigitalObject) -> None:
    DigitalObject.objects.filter(pk=obj.pk).update(indexed=False)
    transaction.on_commit(lambda: index_pending_task.enqueue())


def index_pending() -> dict:
    pending = DigitalObject.objects.filter(indexed=False).exclude(ident=None)
    pending = pending.select_related("library", "collection")
    done = 0
    batch = list(pending[:200])
    while batch:
        done += index_objects(batch)
        batch = list(pending[:200])
    return {"indexed": done}


@task()
def index_pending_task() -> dict:
    return index_pending()


def rebuild() -> dict:
    drop_index(DIGITAL_INDEX)
    DigitalObject.objects.update(indexed=False)
    return index_pending()


def reconcile() -> dict:
    """Index what the database has and the index lacks, drop what it should not hold."""
    index = digital_index()
    try:
        in_index = set(index.iter_ids())
    finally:
        index.close()
    published = set(
        DigitalObject.objects.filter(status=ObjectStatus.READY).values_list("ident", flat=True)
    )
    DigitalObject.objects.filter(ident__in=published - in_index).update(indexed=False)
    stale = in_index - published
    if stale:
        write_index(DIGITAL_INDEX, lambda index: index.delete(stale))
    return {**index_pending(), "removed": len(stale)}
