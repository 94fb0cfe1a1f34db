"""/oai: the OAI-PMH 2.0 provider over the union catalogue (GET and POST).

The protocol lives in ``catalog.protocols.oai``; this module reads the request and gives it
the database as a repository. Lists walk the (updated_at, id) index with keyset conditions,
never OFFSET, so page 10,000 of a harvest costs what page 1 does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Min, Q
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from thuvien.catalog.models import BibRecord, Source
from thuvien.catalog.models.records import RecordStatus
from thuvien.catalog.protocols.oai import Item, OAIConfig, SetInfo, respond
from thuvien.catalog.protocols.oai_args import Selection

SET_ROOT = "library"
ROOT_NAME = "Thư viện đóng góp biểu ghi / Contributing libraries"
REPOSITORY_NAME = "Mục lục liên hợp quốc gia Việt Nam / Vietnam national union catalogue"
_EMAIL = re.compile(r"^\S+@(\S+\.)+\S+$")  # OAI-PMH.xsd's emailType


def _library_spec(vn_id: str) -> str:
    return f"{SET_ROOT}:{vn_id}"


class DatabaseRepository:
    """The catalogue's records as OAI items; one set per contributing library."""

    def earliest_datestamp(self) -> datetime:
        earliest = BibRecord.objects.aggregate(first=Min("updated_at"))["first"]
        return earliest or datetime(2000, 1, 1, tzinfo=UTC)

    def _contributors(self):
        """Libraries with a catalogue source, as (vn_id, name) rows."""
        return Source.objects.values_list("library__vn_id", "library__name").distinct()

    def set_exists(self, spec: str) -> bool:
        if spec == SET_ROOT:
            return True
        prefix, _, vn_id = spec.partition(":")
        return prefix == SET_ROOT and self._contributors().filter(library__vn_id=vn_id).exists()

    def sets(self, after: str | None, limit: int) -> list[SetInfo]:
        # "library" sorts before every "library:VN-...", so one keyset covers both.
        found = [SetInfo(SET_ROOT, ROOT_NAME)] if after is None else []
        libraries = self._contributors().order_by("library__vn_id")
        if after and after.startswith(f"{SET_ROOT}:"):
            libraries = libraries.filter(library__vn_id__gt=after.partition(":")[2])
        rows = libraries[: limit - len(found)]
        return found + [SetInfo(_library_spec(vn_id), name) for vn_id, name in rows]

    def count_sets(self) -> int:
        return 1 + self._contributors().count()

    def _rows(self, queryset, metadata: bool):
        fields = ["id", "updated_at", "status", "source__library__vn_id"]
        return queryset.values_list(*fields, *(["marc"] if metadata else []))

    def _item(self, row) -> Item:
        record_id, updated_at, status, vn_id, *marc = row
        return Item(
            id=record_id,
            datestamp=updated_at,
            deleted=status == RecordStatus.DELETED,
            set_specs=(_library_spec(vn_id),),
            marc=bytes(marc[0]) if marc else None,
        )

    def item(self, record_id: int, with_metadata: bool) -> Item | None:
        row = self._rows(BibRecord.objects.filter(pk=record_id), with_metadata).first()
        return self._item(row) if row else None

    def _selected(self, selection: Selection):
        records = BibRecord.objects.all()
        if selection.start:
            records = records.filter(updated_at__gte=selection.start)
        if selection.end:
            records = records.filter(updated_at__lt=selection.end)
        if selection.set_spec and selection.set_spec != SET_ROOT:
            vn_id = selection.set_spec.partition(":")[2]
            records = records.filter(source__library__vn_id=vn_id)
        return records

    def items(self, selection, after, limit: int, metadata: bool) -> list[Item]:
        records = self._selected(selection)
        if after:
            stamp, last_id = after
            # A range on the indexed column first, then the tie-break on id.
            records = records.filter(updated_at__gte=stamp).filter(
                Q(updated_at__gt=stamp) | Q(pk__gt=last_id)
            )
        rows = self._rows(records.order_by("updated_at", "id"), metadata)[:limit]
        return [self._item(row) for row in rows]

    def count(self, selection: Selection) -> int:
        return self._selected(selection).count()


def _admin_emails(repository_id: str) -> list[str]:
    configured = [
        e.strip() for e in settings.THUVIEN_OAI_ADMIN_EMAIL.split(",") if _EMAIL.match(e.strip())
    ]
    if configured:
        return configured
    fallback = settings.DEFAULT_FROM_EMAIL
    return [fallback if _EMAIL.match(fallback) else f"admin@{repository_id}"]


def config_for(request) -> OAIConfig:
    repository_id = settings.THUVIEN_OAI_REPOSITORY_ID
    return OAIConfig(
        base_url=request.build_absolute_uri("/oai"),
        repository_id=repository_id,
        repository_name=REPOSITORY_NAME,
        admin_emails=_admin_emails(repository_id),
        page_size=max(1, settings.THUVIEN_OAI_PAGE_SIZE),
        token_ttl=timedelta(seconds=settings.THUVIEN_OAI_TOKEN_TTL),
        secret=settings.SECRET_KEY.encode("utf-8"),
        now=datetime.now(UTC),
    )


@csrf_exempt  # harvesters POST without a session; nothing here changes state
def oai(request):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    arguments = request.GET if request.method == "GET" else request.POST
    pairs = [(key, value) for key, values in arguments.lists() for value in values]
    body = respond(pairs, DatabaseRepository(), config_for(request))
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
