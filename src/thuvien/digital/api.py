"""The digital collections' JSON API: /api/v1/digital/objects and /objects/{ident}.

The same access rules as the pages and IIIF: search finds only what the caller may read, and
an object the caller may not read answers 403 (401 without sign-in), as its manifest does.
"""

from __future__ import annotations

from django.http import JsonResponse
from ninja import Field, Query, Router, Schema

from thuvien.digital.models import DigitalObject, PageStatus
from thuvien.digital.services.access import can_read
from thuvien.digital.services.search import search_objects
from thuvien.kernel.search import MAX_OFFSET

router = Router(tags=["digital"])


class ObjectFilters(Schema):
    q: str = Field("", max_length=500, description="từ khóa / words (metadata and page text)")
    kind: list[str] = Field(default_factory=list, description="book, periodical, map, ...")
    collection: list[str] = Field(default_factory=list)
    library: list[str] = Field(default_factory=list, description="VN-… ids")
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    limit: int = Field(20, ge=0, le=100)


class ObjectHitOut(Schema):
    id: str
    title: str
    kind: str
    library: str
    year: int | None = None
    pages: int | None = None
    manifest: str
    highlight: str | None = None


class FacetValue(Schema):
    value: str
    count: int


class ObjectSearchOut(Schema):
    total: int
    offset: int
    limit: int
    hits: list[ObjectHitOut]
    facets: dict[str, list[FacetValue]]


class PageOut(Schema):
    order: int
    label: str
    width: int
    height: int
    image_service: str
    has_text: bool


class ObjectOut(Schema):
    id: str
    title: str
    kind: str
    access: str
    rights: str
    library: str
    collection: str | None
    record: int | None
    dublin_core: dict[str, list[str]]
    manifest: str
    pages: list[PageOut]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def _manifest(ident: str) -> str:
    return f"/iiif/presentation/{ident}/manifest"


@router.get(
    "/objects",
    response={200: ObjectSearchOut, 422: ErrorOut},
    summary="Tìm tài nguyên số / search the digital collections",
)
def objects(request, filters: Query[ObjectFilters]):
    chosen = {
        name: values
        for name, values in (
            ("kind", filters.kind),
            ("collection", filters.collection),
            ("library", filters.library),
        )
        if values
    }
    result = search_objects(request.user, request, filters.q, chosen, filters.offset, filters.limit)
    hits = [
        {
            "id": h.id,
            "title": h.document.get("title", ""),
            "kind": h.document.get("kind", ""),
            "library": h.document.get("library", ""),
            "year": h.document.get("year"),
            "pages": h.document.get("pages"),
            "manifest": _manifest(h.id),
            "highlight": h.highlights.get("text") or h.highlights.get("title"),
        }
        for h in result.hits
    ]
    facets = {
        k: [{"value": v, "count": n} for v, n in values]
        for k, values in result.facets.items()
        if k != "access"
    }
    return JsonResponse(
        {
            "total": result.total,
            "offset": filters.offset,
            "limit": filters.limit,
            "hits": hits,
            "facets": facets,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@router.get(
    "/objects/{ident}",
    response={200: ObjectOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Một tài nguyên số / one digital object",
)
def digital_object(request, ident: str):
    obj = DigitalObject.objects.select_related("library", "collection").filter(ident=ident).first()
    if obj is None:
        return 404, {"detail": f"Không có tài nguyên {ident} / no object {ident}"}
    if not can_read(request.user, obj, request):
        status = 403 if request.user.is_authenticated else 401
        return status, {"detail": "Tài nguyên này không mở cho bạn / not open to you"}
    pages = [
        {
            "order": p.order,
            "label": p.label,
            "width": p.width,
            "height": p.height,
            "image_service": f"/iiif/3/{obj.ident}-p{p.order:04d}",
            "has_text": bool(p.text),
        }
        for p in obj.pages.filter(status=PageStatus.READY).order_by("order")
    ]
    return {
        "id": obj.ident,
        "title": obj.title,
        "kind": obj.kind,
        "access": obj.access,
        "rights": obj.rights,
        "library": obj.library.vn_id,
        "collection": obj.collection.slug if obj.collection_id else None,
        "record": obj.record_id,
        "dublin_core": obj.dc or {},
        "manifest": _manifest(obj.ident),
        "pages": pages,
    }
